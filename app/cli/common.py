"""Shared pieces of the command line: settings, database access, errors and JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NoReturn

import click
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.config import Settings, load_settings
from app.db import get_engine, session_scope


class CliError(click.ClickException):
    """A refusal: printed as one line on stderr, exit status 2, nothing written."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


@dataclass
class CliContext:
    """What every command needs: the settings and, lazily, the database."""

    settings: Settings

    @property
    def engine(self) -> Engine:
        return get_engine(self.settings.resolved_database_url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with session_scope(self.engine) as session:
            yield session


pass_ctx = click.make_pass_decorator(CliContext)


def make_context() -> CliContext:
    """Settings from config.yaml and the environment."""
    return CliContext(settings=load_settings())


def print_json(data: Any) -> None:
    """Print one JSON object on stdout (UTF-8, Chinese kept readable)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def fail(message: str) -> None:
    """Refuse with one line and exit status 2."""
    raise CliError(message)


def echo_err(message: str) -> None:
    """A line on stderr."""
    print(message, file=sys.stderr)


def refuse_errors(summary: str, errors: list[str]) -> NoReturn:
    """Refuse with every problem on its own line of stderr, then *summary* (exit 2).
    A single problem is the summary itself: one line."""
    if len(errors) > 1:
        for error in errors:
            echo_err(f"  {error}")
    raise CliError(summary)


def text_table(rows: list[list[str]]) -> list[str]:
    """Rows as lines of left-aligned columns (wide characters counted as two)."""
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))] if rows else []
    return ["  ".join(cell + " " * (w - width(cell)) for cell, w in zip(row, widths,
                                                                       strict=True)).rstrip()
            for row in rows]
