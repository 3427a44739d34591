"""The `zhuanjie` command group. Each area registers its commands from its own module."""

from __future__ import annotations

import logging
import os
import sys

import click

from app.cli.common import CliError, make_context
from app.config import ConfigError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def cli(ctx: click.Context) -> None:
    """zhuanjie — 党员组织关系转接 (transfers of Party members' organisational relationships)."""
    try:
        ctx.obj = make_context()
    except ConfigError as exc:
        raise CliError(str(exc)) from exc
    logging.basicConfig(level=ctx.obj.settings.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)


def _register() -> None:
    from app.cli import (
        backup_cmd,
        calendar_cmd,
        cases_cmd,
        db_cmd,
        demo_cmd,
        doctor_cmd,
        engine_cmd,
        letters_cmd,
        members_cmd,
        ops_cmd,
        orgs_cmd,
        route_cmd,
        serve_cmd,
        users_cmd,
    )

    for module in (db_cmd, serve_cmd, orgs_cmd, members_cmd, users_cmd, route_cmd, demo_cmd,
                   calendar_cmd, engine_cmd, ops_cmd, cases_cmd, letters_cmd, backup_cmd,
                   doctor_cmd):
        module.register(cli)


_register()


def main() -> None:
    """Entry point of the console script: no traceback ever reaches the user."""
    try:
        cli.main(standalone_mode=False, prog_name="zhuanjie")
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code if isinstance(exc, CliError) else 2)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except Exception as exc:  # the last line of defence: one line, no traceback
        if os.environ.get("ZHUANJIE_DEBUG"):
            raise
        logging.getLogger("zhuanjie").debug("unexpected error", exc_info=True)
        click.echo(f"internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
