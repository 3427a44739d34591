"""`zhuanjie backup FILE` and `zhuanjie restore FILE`: the database to a file and back."""

from __future__ import annotations

import click

from app.cli.common import CliContext, CliError, pass_ctx, print_json
from app.db import dispose_engines
from app.services import backup as backup_service


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_ctx
def backup_cmd(ctx: CliContext, file: str, force: bool, as_json: bool) -> None:
    """Copy the database into FILE while the application runs (SQLite: online backup;
    PostgreSQL: pg_dump in its custom format)."""
    try:
        result = backup_service.backup(ctx.settings.resolved_database_url, file, force)
    except backup_service.BackupError as exc:
        raise CliError(str(exc)) from exc
    if as_json:
        print_json(result.to_json())
        return
    click.echo(f"backup written to {result.path} ({result.bytes} bytes){_counts(result.rows)}")


def _counts(rows: dict[str, int]) -> str:
    """": orgs 718, members 667, …" (the rows per table), or nothing when there are none."""
    listed = ", ".join(f"{table} {count}" for table, count in rows.items())
    return f": {listed}" if listed else ""


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that holds data.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_ctx
def restore_cmd(ctx: CliContext, file: str, force: bool, as_json: bool) -> None:
    """Restore the database from FILE (stop the web and scheduler processes first)."""
    dispose_engines()  # no pooled connection of this process keeps the old database open
    try:
        result = backup_service.restore(ctx.settings.resolved_database_url, file, force)
    except backup_service.BackupError as exc:
        raise CliError(str(exc)) from exc
    if as_json:
        print_json(result.to_json())
        return
    click.echo(f"database restored from {file}{_counts(result.rows)}")


def register(cli: click.Group) -> None:
    """Add the backup and restore commands."""
    cli.add_command(backup_cmd)
    cli.add_command(restore_cmd)
