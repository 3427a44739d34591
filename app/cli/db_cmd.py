"""`zhuanjie db upgrade|current`: Alembic migrations of the configured database."""

from __future__ import annotations

import click

from app.cli.common import CliContext, pass_ctx
from app.migrate import current_revision, upgrade


@click.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@pass_ctx
def upgrade_cmd(ctx: CliContext, revision: str) -> None:
    """Apply the migrations to the database of ZHUANJIE_DATABASE_URL / config.yaml."""
    upgrade(ctx.settings.resolved_database_url, revision)
    click.echo(f"database at revision {current_revision(ctx.settings.resolved_database_url)}")


@db_group.command("current")
@pass_ctx
def current_cmd(ctx: CliContext) -> None:
    """Print the revision the database is at."""
    click.echo(current_revision(ctx.settings.resolved_database_url) or "empty")


def register(cli: click.Group) -> None:
    """Add the db commands to the command group."""
    cli.add_command(db_group)
