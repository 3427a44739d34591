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
    def session(self, write: bool = False) -> Iterator[Session]:
        """One transaction on the configured database (``write``: it will change data)."""
        with session_scope(self.engine, write=write) as session:
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


def cli_actor(username: str | None) -> str:
    """The actor of a command: the named user, or ``cli:<login>`` of the shell."""
    if username:
        return username
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def parse_json_object(text: str | None, option: str = "--data") -> dict[str, Any]:
    """A JSON object given on the command line; refused with one line otherwise."""
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(f"{option} is not valid JSON: {exc.msg} at column {exc.colno}") from exc
    if not isinstance(value, dict):
        raise CliError(f"{option} must be a JSON object")
    return value


def refusals(fn: Any) -> Any:
    """Turn the services' refusals into one-line CLI errors (exit 2)."""
    import functools

    from app.engine.problems import BpmnRefused
    from app.errors import InvalidData, ZhuanjieError

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except BpmnRefused as exc:
            for problem in exc.problems[1:]:
                click.echo(f"error: {problem}", err=True)
            raise CliError(str(exc.problems[0])) from exc
        except InvalidData as exc:
            detail = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
            raise CliError(f"invalid data: {detail}") from exc
        except ZhuanjieError as exc:
            raise CliError(str(exc)) from exc

    return wrapper


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
