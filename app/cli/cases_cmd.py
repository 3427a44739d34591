"""`zhuanjie cases start|show|withdraw`: transfer cases from the command line."""

from __future__ import annotations

import click

from app import policy
from app.cli.common import CliContext, parse_json_object, pass_ctx, print_json, refusals
from app.engine.clock import SystemClock
from app.services import cases
from app.services.actors import active_user
from app.services.transfers import TransferRequest, start_transfer

KINDS = ("intra", "out", "in", "whole-unit", "out-of-system")


@click.group("cases")
def cases_group() -> None:
    """Transfer cases (转接案件)."""


@cases_group.command("start")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--member", help="Member code (intra, out, out-of-system).")
@click.option("--to", "target", help="Target branch (intra, in) or new parent (whole-unit).")
@click.option("--unit", help="The organisation that moves (whole-unit).")
@click.option("--letter", help="The electronic letter as JSON: reason, contact_phone, "
                               "validity_days, archive_handling.")
@click.option("--destination", help="out: JSON with province, org_name, address.")
@click.option("--registration", help="in: the paper letter as JSON (serial, issuing_org, "
                                     "province, issued_on, validity_days, member{…}).")
@click.option("--as", "username", required=True)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
@refusals
def start_cmd(ctx: CliContext, kind: str, member: str | None, target: str | None,
              unit: str | None, letter: str | None, destination: str | None,
              registration: str | None, username: str, as_json: bool) -> None:
    """Start a transfer of KIND as USER (validated against the directory and the routes)."""
    req = TransferRequest(
        kind=kind, member=member, unit=unit,
        target_branch=target if kind != "whole-unit" else None,
        new_parent=target if kind == "whole-unit" else None,
        letter=parse_json_object(letter, "--letter"),
        destination=parse_json_object(destination, "--destination"),
        registration=parse_json_object(registration, "--registration"))
    with ctx.session(write=True) as session:
        case = start_transfer(session, ctx.settings, SystemClock(), req, username)
        detail = cases.case_detail(session, case.id)
    if as_json:
        print_json(detail)
    else:
        click.echo(f"case {detail['number']} started: {detail['status_label']}")


@cases_group.command("show")
@click.argument("case_id")
@click.option("--as", "username", help="Show only what this user may see (the web policy).")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
@refusals
def show_cmd(ctx: CliContext, case_id: str, username: str | None, as_json: bool) -> None:
    """Kind, status, route, steps with due dates, overdue marks and letters of a case."""
    with ctx.session() as session:
        if username is not None:
            policy.require_view_case(session, active_user(session, username),
                                     cases.get_case(session, case_id))
        detail = cases.case_detail(session, case_id)
    if as_json:
        print_json(detail)
        return
    click.echo(f"{detail['number']} {detail['kind_label']} {detail['status_label']}")
    for step in detail["steps"]:
        mark = " 已超期" if step["overdue"] and step["status"] == "open" else ""
        click.echo(f"  [{step['status']}] {step['title']} — {step['org_name']}"
                   f" 时限 {step['due_at'] or '-'}{mark}")


@cases_group.command("withdraw")
@click.argument("case_id")
@click.option("--reason", required=True)
@click.option("--as", "username", required=True)
@pass_ctx
@refusals
def withdraw_cmd(ctx: CliContext, case_id: str, reason: str, username: str) -> None:
    """撤销: the initiating committee ends the case before reception."""
    with ctx.session(write=True) as session:
        case = cases.withdraw(session, ctx.settings, SystemClock(), case_id, username, reason)
    click.echo(f"case {case.number} withdrawn")


def register(cli: click.Group) -> None:
    """Add the cases commands."""
    cli.add_command(cases_group)
