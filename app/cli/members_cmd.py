"""`zhuanjie members show|import`: party members in the database."""

from __future__ import annotations

import sys
from typing import Any

import click

from app.cli.common import CliContext, CliError, echo_err, pass_ctx, print_json
from app.org.tree import OrgError


@click.group("members")
def members_group() -> None:
    """Party members (党员): show one, import a spreadsheet."""


@members_group.command("show")
@click.argument("code")
@click.option("--full", is_flag=True, help="Show the whole 公民身份号码 (masked otherwise).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_ctx
def show_cmd(ctx: CliContext, code: str, full: bool, as_json: bool) -> None:
    """Show the member whose 编号 is CODE."""
    from app.services.members import member_info

    try:
        with ctx.session() as session:
            info = member_info(session, code, full)
    except OrgError as exc:
        raise CliError(str(exc)) from None
    if as_json:
        print_json(info)
        return
    branch = info["branch"]
    click.echo("\n".join([
        f"{info['code']} {info['name']} ({info['gender']}, {info['ethnicity']})",
        f"  出生日期 {info['birth_date']}  公民身份号码 {info['id_number']}",
        f"  {info['category_name']}, 入党日期 {info['joined_on']}, 党费交至 "
        f"{info['dues_paid_until']}",
        f"  所在党支部 {branch['code']} {branch['name']}",
        f"  联系电话 {info['phone'] or '—'}  状态 {info['status_name']}"
        + (f" ({info['status_note']})" if info["status_note"] else ""),
    ]))


def _print_report(file: str, report: Any, as_json: bool) -> None:
    if as_json:
        print_json({"file": file, "rows": report.rows, "imported": report.imported,
                    "rejected": list(report.rejections()),
                    "ignored_columns": report.ignored_columns})
        return
    for item in report.rejections():
        code = f" ({item['code']})" if item["code"] else ""
        click.echo(f"row {item['row']}{code}: {item['reason']}")
    if report.ignored_columns:
        echo_err(f"ignored column(s): {', '.join(report.ignored_columns)}")
    if not report.rejected:
        click.echo(f"{file}: {report.imported} members imported")


@members_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--encoding", default="utf-8-sig", show_default=True,
              help="Encoding of a CSV file (e.g. gb18030 for files saved by Excel).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1),
              hidden=True)
@pass_ctx
def import_cmd(ctx: CliContext, file: str, encoding: str, as_json: bool,
               batch_size: int) -> None:
    """Import the members of a .csv or .xlsx sheet (columns: see the README).

    Every row is checked; if any row is rejected nothing is imported, the rejected rows
    are reported with their row number and reason, and the exit status is 2."""
    from tqdm import tqdm

    from app.services.member_import import import_members, open_sheet

    try:
        sheet = open_sheet(file, encoding)
    except OrgError as exc:
        raise CliError(str(exc)) from None
    try:
        rows = tqdm(sheet.rows, desc="rows", unit=" rows", file=sys.stderr,
                    disable=not sys.stderr.isatty(), mininterval=0.5)
        with ctx.session() as session:
            report = import_members(session, rows, batch_size)
    except OrgError as exc:
        raise CliError(str(exc)) from None
    finally:
        sheet.close()
    report.ignored_columns = sheet.ignored_columns
    try:
        _print_report(file, report, as_json)
    finally:
        report.close()
    if report.rejected:
        raise CliError(f"{file}: {report.rejected} of {report.rows} rows rejected, "
                       "nothing imported")


def register(cli: click.Group) -> None:
    """Add the members commands to the command group."""
    cli.add_command(members_group)
