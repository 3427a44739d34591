"""`zhuanjie orgs load|show`: the organisation tree in the database."""

from __future__ import annotations

from typing import Any

import click

from app.cli.common import CliContext, CliError, pass_ctx, print_json, refuse_errors
from app.org.loader import TreeFile, TreeFileError, read_tree
from app.org.tree import OrgError


def read_tree_or_refuse(path: str) -> TreeFile:
    """The checked tree file at *path*, or a refusal listing every problem."""
    try:
        return read_tree(path)
    except TreeFileError as exc:
        refuse_errors(str(exc), exc.errors)


@click.group("orgs")
def orgs_group() -> None:
    """Organisations (党组织): load the tree from a file, show one."""


@orgs_group.command("load")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_ctx
def load_cmd(ctx: CliContext, file: str, as_json: bool) -> None:
    """Create and update organisations and members from FILE (ROUTING.md §2), by code.

    All or nothing; nothing is ever deleted: organisations of the database that the file
    does not name are kept and reported."""
    from app.services.orgs import load_tree

    tree = read_tree_or_refuse(file)
    try:
        with ctx.session() as session:
            summary = load_tree(session, tree, file)
    except TreeFileError as exc:
        refuse_errors(str(exc), exc.errors)
    data = summary.to_json()
    if tree.users:
        data["users_ignored"] = len(tree.users)
    if as_json:
        print_json(data)
        return
    orgs, members = data["orgs"], data["members"]
    click.echo(f"organisations: {orgs['created']} created, {orgs['updated']} updated, "
               f"{orgs['unchanged']} unchanged")
    if orgs["kept"]:
        more = " …" if orgs["kept"] > len(orgs["kept_codes"]) else ""
        click.echo(f"kept (in the database, not in the file): {orgs['kept']}: "
                   f"{', '.join(orgs['kept_codes'])}{more}")
    click.echo(f"members: {members['created']} created, {members['updated']} updated, "
               f"{members['unchanged']} unchanged")
    if tree.users:
        click.echo(f"users: {len(tree.users)} in the file, not loaded by orgs load "
                   "(zhuanjie demo load or zhuanjie users add create users)")


def _show_text(info: dict[str, Any]) -> None:
    facts = info["facts"]
    parent = info["parent"]
    flags = [f for f in ("nationwide", "approves_members") if info[f]]
    lines = [
        f"{info['code']} {info['name']}",
        f"  kind: {info['kind']} ({info['kind_name']})" + (f", {', '.join(flags)}"
                                                            if flags else ""),
        f"  parent: {parent['code'] + ' ' + parent['name'] if parent else '—'}",
        f"  path: {' / '.join(info['path'])}",
        f"  children: {info['children']}, members: {info['members']} "
        f"(in the subtree: {info['members_in_subtree']})",
        f"  unit: {facts['unit'] or '—'}, county: {facts['county'] or '—'}, "
        f"city: {facts['city'] or '—'}, system: {facts['system'] or '—'}"
        + (f" ({facts['system_level']} level)" if facts["system"] else ""),
        f"  nationwide authority ({facts['policy']}): "
        f"{'yes' if facts['nationwide_authority'] else 'no'}; up: {' → '.join(facts['up'])}",
    ]
    click.echo("\n".join(lines))


@orgs_group.command("show")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_ctx
def show_cmd(ctx: CliContext, code: str, as_json: bool) -> None:
    """Show organisation CODE: parent, children, members and its routing facts."""
    from app.services.orgs import org_info

    try:
        with ctx.session() as session:
            info = org_info(session, code, ctx.settings.policy)
    except OrgError as exc:
        raise CliError(str(exc)) from None
    if as_json:
        print_json(info)
    else:
        _show_text(info)


def register(cli: click.Group) -> None:
    """Add the orgs commands to the command group."""
    cli.add_command(orgs_group)
