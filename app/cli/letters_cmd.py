"""`zhuanjie letters print`: the paper letter and member form of a case, as HTML or PDF."""

from __future__ import annotations

from pathlib import Path

import click

from app.cli import common
from app.services import letter_prints


@click.group("letters")
def letters_group() -> None:
    """Paper letters (介绍信)."""


@letters_group.command("print")
@click.argument("letter_id", type=int)
@click.option("--form", "member_form", is_flag=True, help="Print the 党员基本信息采集表.")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf"]), default="pdf",
              show_default=True)
@click.option("--out", "out", type=click.Path(dir_okay=False), required=True)
@common.pass_ctx
@common.refusals
def print_cmd(ctx: common.CliContext, letter_id: int, member_form: bool, fmt: str,
              out: str) -> None:
    """Write the letter (or its member form) LETTER_ID to OUT."""
    with ctx.session() as session:
        render = letter_prints.print_member_form if member_form else letter_prints.print_letter
        content = render(session, letter_id, fmt)
    path = Path(out)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    click.echo(f"wrote {path}")


def register(cli: click.Group) -> None:
    """Add the letters commands."""
    cli.add_command(letters_group)
