"""`zhuanjie users add|list|set-password|disable`: people who sign in. Passwords are read
from a hidden prompt (twice) or from stdin, stored as argon2 hashes, never printed."""

from __future__ import annotations

import sys
from typing import Any

import click

from app.cli.common import CliContext, CliError, pass_ctx, print_json, text_table
from app.org.roles import ROLES
from app.org.tree import OrgError


def _interactive() -> bool:
    return sys.stdin.isatty()


def read_password(from_stdin: bool) -> str:
    """The new password: the first line of stdin, or typed twice at a hidden prompt."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CliError("no password on stdin")
        return password
    if not _interactive():
        raise CliError("no terminal to ask for the password: use --password-stdin")
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True,
                              err=True)
    return value


@click.group("users")
def users_group() -> None:
    """Users of the web application and their roles."""


@users_group.command("add")
@click.argument("username")
@click.option("--org", "org_code", required=True, metavar="CODE",
              help="Code of the user's organisation.")
@click.option("--role", "roles", required=True, multiple=True, type=click.Choice(ROLES),
              help="A role (repeat for several).")
@click.option("--name", "display_name", help="Display name (default: the username).")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
@pass_ctx
def add_cmd(ctx: CliContext, username: str, org_code: str, roles: tuple[str, ...],
            display_name: str | None, password_stdin: bool) -> None:
    """Add user USERNAME of organisation CODE with one or more roles."""
    from app.services.users import create_user

    password = read_password(password_stdin)
    try:
        with ctx.session() as session:
            create_user(session, username, password, org_code, list(roles), display_name)
    except OrgError as exc:
        raise CliError(str(exc)) from None
    click.echo(f"user {username} added ({', '.join(roles)} of {org_code})")


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_ctx
def list_cmd(ctx: CliContext, as_json: bool) -> None:
    """List every user with organisation, roles and state."""
    from app.services.users import list_users

    with ctx.session() as session:
        users: list[dict[str, Any]] = [
            {"username": u.username, "name": u.display_name, "org": o.code,
             "org_name": o.name, "roles": u.role_names, "active": u.active}
            for u, o in list_users(session)]
    if as_json:
        print_json({"users": users})
        return
    rows = [["username", "org", "roles", "active", "name"]]
    rows += [[u["username"], u["org"], ",".join(u["roles"]), "yes" if u["active"] else "no",
              u["name"]] for u in users]
    click.echo("\n".join(text_table(rows)))


@users_group.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
@pass_ctx
def set_password_cmd(ctx: CliContext, username: str, password_stdin: bool) -> None:
    """Set a new password for USERNAME."""
    from app.services.users import set_password

    password = read_password(password_stdin)
    try:
        with ctx.session() as session:
            set_password(session, username, password)
    except OrgError as exc:
        raise CliError(str(exc)) from None
    click.echo(f"password of {username} changed")


@users_group.command("disable")
@click.argument("username")
@pass_ctx
def disable_cmd(ctx: CliContext, username: str) -> None:
    """Disable USERNAME: they can no longer sign in (nothing is deleted)."""
    from app.services.users import disable_user

    try:
        with ctx.session() as session:
            disable_user(session, username)
    except OrgError as exc:
        raise CliError(str(exc)) from None
    click.echo(f"user {username} disabled")


def register(cli: click.Group) -> None:
    """Add the users commands to the command group."""
    cli.add_command(users_group)
