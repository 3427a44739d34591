"""`zhuanjie demo load`: the demo organisations, members and users, once."""

from __future__ import annotations

import click

from app.cli.common import CliContext, CliError, pass_ctx, refuse_errors, text_table
from app.org.loader import TreeFileError
from app.org.tree import OrgError


@click.group("demo")
def demo_group() -> None:
    """Demo data."""


@demo_group.command("load")
@click.option("--file", "file", type=click.Path(dir_okay=False),
              help="The demo file (default: the setting demo_file).")
@pass_ctx
def load_cmd(ctx: CliContext, file: str | None) -> None:
    """Load the demo data into an empty database and print the demo logins; does nothing
    when the database already holds organisations."""
    from app.cli.orgs_cmd import read_tree_or_refuse
    from app.services.demo import load_demo

    path = file or str(ctx.settings.path(ctx.settings.demo_file))
    tree = read_tree_or_refuse(path)
    try:
        with ctx.session() as session:
            users = load_demo(session, tree, path)
    except TreeFileError as exc:
        refuse_errors(str(exc), exc.errors)
    except OrgError as exc:
        raise CliError(str(exc)) from None
    if users is None:
        click.echo("demo data already there: the database holds organisations; nothing loaded")
        return
    click.echo(f"demo data loaded: {len(tree.nodes)} organisations, {len(tree.members)} "
               f"members, {len(users)} users. Demo logins:")
    rows = [["username", "password", "organisation", "roles"]]
    rows += [[u.username, u.password, u.org, ",".join(u.roles)] for u in users]
    for line in text_table(rows):
        click.echo(f"  {line}")


def register(cli: click.Group) -> None:
    """Add the demo commands to the command group."""
    cli.add_command(demo_group)
