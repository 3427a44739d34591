"""`zhuanjie route intra|out|in|whole-unit|out-of-system`: who handles a transfer
(ROUTING.md §3), over the database or over a tree file (``--orgs FILE``)."""

from __future__ import annotations

from typing import Any

import click

from app.cli.common import CliContext, CliError, print_json, refuse_errors, text_table
from app.org.facts import POLICIES
from app.org.loader import TreeFileError, read_tree
from app.org.routing import ROUTE_KINDS, ROUTE_PARAMS, Route, compute_route
from app.org.tree import OrgError, OrgNode

_HELP = {
    "intra": "省内转接 (Art. 9): initiator unit(B1), approvers, receiver unit(B2).",
    "out": "转出省外 (Art. 10(一)): up to the organisation that issues the paper letter.",
    "in": "省外转入 (Art. 10(二)): from the addressee of the letter down to unit(B2).",
    "whole-unit": "整建制转接 (Art. 6): the handler of moving UNIT under TO.",
    "out-of-system": "转往系统外 (Art. 12): up to the organisation that transfers out.",
}
_PARAM_HELP = {
    "from": "Code of the member's current branch.",
    "to": "Code of the target branch (whole-unit: of the new parent).",
    "entry": "Code of the organisation the paper letter is addressed to.",
    "unit": "Code of the committee, general branch or branch that moves.",
}
_LABELS = {
    "initiator": "发起 initiator", "approvers": "审批 approvers", "receiver": "接收 receiver",
    "issuer": "开具介绍信 issuer", "registrar": "登记 registrar", "handler": "办理 handler",
    "unit": "整建制单位 unit", "from": "原上级 from", "to": "新上级 to",
}


def _text(route: Route) -> None:
    rows: list[list[str]] = []
    for key, value in route.parts():
        nodes: tuple[OrgNode, ...] = value if isinstance(value, tuple) else (value,)
        if not nodes:
            rows.append([_LABELS[key], "—", ""])
        for i, node in enumerate(nodes):
            rows.append([_LABELS[key] if i == 0 else "", node.code, node.name])
    click.echo(f"{route.kind}: {route.rule}")
    for line in text_table(rows):
        click.echo(f"  {line}")


def _compute(ctx: CliContext, kind: str, params: dict[str, str], orgs: str | None,
             policy: str) -> Route:
    if orgs is not None:
        return compute_route(read_tree(orgs).directory(), kind, params, policy)
    from app.services.directory import DbDirectory

    with ctx.session() as session:
        return compute_route(DbDirectory(session), kind, params, policy)


def _callback(kind: str) -> Any:
    @click.pass_obj
    def run(ctx: CliContext, /, as_json: bool, orgs: str | None, policy: str | None,
            **values: str) -> None:
        params = {name: values[name + "_"] for name in ROUTE_PARAMS[kind]}
        try:
            route = _compute(ctx, kind, params, orgs, policy or ctx.settings.policy)
        except TreeFileError as exc:
            refuse_errors(str(exc), exc.errors)
        except OrgError as exc:
            raise CliError(str(exc)) from None
        if as_json:
            print_json(route.to_json())
        else:
            _text(route)

    return run


def _command(kind: str) -> click.Command:
    params: list[click.Parameter] = [
        click.Option([f"--{name}", f"{name}_"], required=True, metavar="CODE",
                     help=_PARAM_HELP[name])
        for name in ROUTE_PARAMS[kind]]
    params += [
        click.Option(["--json", "as_json"], is_flag=True, help="Print one JSON object."),
        click.Option(["--orgs"], type=click.Path(dir_okay=False), metavar="FILE",
                     help="Route over this tree file (ROUTING.md §2) instead of the database."),
        click.Option(["--policy"], type=click.Choice(POLICIES),
                     help="Override the configured policy."),
    ]
    return click.Command(kind, callback=_callback(kind), params=params, help=_HELP[kind])


@click.group("route")
def route_group() -> None:
    """Who handles a transfer (ROUTING.md §3)."""


for _kind in ROUTE_KINDS:
    route_group.add_command(_command(_kind))


def register(cli: click.Group) -> None:
    """Add the route commands to the command group."""
    cli.add_command(route_group)
