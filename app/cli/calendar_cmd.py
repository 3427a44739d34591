"""`zhuanjie calendar add|is-workday|set|import-year|status`: working days (CALENDAR.md)."""

from __future__ import annotations

import getpass
import os
import re
from datetime import date, datetime

import click

from app.cli.common import CliContext, CliError, echo_err, pass_ctx, print_json
from app.models.calendar import CalendarChange
from app.services import calendar as calendar_service
from app.workcal import SHANGHAI, CalendarRangeError, load_notice_file
from app.workcal import parse_iso_date as _parse_iso_date
from app.workcal.notice import missing_statutory_days
from app.workcal.sources import check_year

_INTEGER = re.compile(r"^[+-]?\d+$")
FIRST_STATUS_YEAR = 2004  # the first year of the chinesecalendar package


def _date(text: str | None, what: str) -> date:
    if text is None:
        raise CliError(f"{what} is required")
    try:
        day = _parse_iso_date(text)
        check_year(day.year)
    except ValueError as exc:  # CalendarRangeError is a ValueError
        raise CliError(f"{what}: {exc}") from exc
    return day


def _integer(text: str | None, what: str) -> int:
    if text is None or not _INTEGER.match(text.strip()):
        raise CliError(f"{what} must be a whole number, got {text!r}")
    return int(text)


def _default_actor() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        user = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
    return f"cli:{user}"


@click.group("calendar")
def calendar_group() -> None:
    """Working days (工作日): deadlines, holidays and policy-staff entries."""


@calendar_group.command("add")
@click.option("--from", "start", metavar="DATE", help="The day of receipt, YYYY-MM-DD.")
@click.option("--days", metavar="N", help="Working days to count (N >= 0).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_ctx
def add_cmd(ctx: CliContext, start: str | None, days: str | None, as_json: bool) -> None:
    """The N-th working day strictly after DATE and the instant it ends (+08:00)."""
    day = _date(start, "--from")
    count = _integer(days, "--days")
    if count < 0:
        raise CliError(f"--days must not be negative: {count}")
    with ctx.session() as session:
        try:
            deadline = calendar_service.load_calendar(session).add_working_days(day, count)
        except CalendarRangeError as exc:  # the count ran past the last supported year
            raise CliError(str(exc)) from exc
    if as_json:
        print_json({"date": deadline.date.isoformat(), "due": deadline.due.isoformat(),
                    "provisional": deadline.provisional})
        return
    line = f"{deadline.date.isoformat()} (due {deadline.due.isoformat()})"
    if deadline.provisional:
        years = ", ".join(str(y) for y in sorted(deadline.provisional_years))
        line += f" — provisional: counts provisional days of {years}"
    click.echo(line)


@calendar_group.command("is-workday")
@click.argument("day_text", metavar="DATE", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_ctx
def is_workday_cmd(ctx: CliContext, day_text: str | None, as_json: bool) -> None:
    """Whether DATE is a working day, and the holiday's name."""
    day = _date(day_text, "DATE")
    with ctx.session() as session:
        info = calendar_service.load_calendar(session).is_workday(day)
    if as_json:
        print_json({"date": info.date.isoformat(), "workday": info.workday,
                    "provisional": info.provisional, "name": info.name})
        return
    line = f"{info.date.isoformat()} {'workday' if info.workday else 'holiday'}"
    if info.name:
        line += f" ({info.name})"
    click.echo(line + (" — provisional" if info.provisional else ""))


def _describe(change: CalendarChange) -> str:
    return f"{change.recomputed} pending deadlines recomputed"


@calendar_group.command("set")
@click.argument("day_text", metavar="DATE", required=False)
@click.argument("word", metavar="workday|holiday", required=False)
@click.option("--note", default=None, help="Why (kept in the audit).")
@click.option("--name", default=None, help="Name shown for the day, e.g. 春节 or 春节调休上班.")
@click.option("--as", "actor", default=None, metavar="USER", help="Actor for the audit.")
@pass_ctx
def set_cmd(ctx: CliContext, day_text: str | None, word: str | None, note: str | None,
            name: str | None, actor: str | None) -> None:
    """Enter DATE as a working day or a holiday (wins over the official data)."""
    day = _date(day_text, "DATE")
    if word not in ("workday", "holiday"):
        raise CliError(f"expected workday or holiday, got {word!r}")
    try:
        with ctx.session() as session:
            change = calendar_service.set_day(session, day, word == "workday", note,
                                              actor or _default_actor(), name=name)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    old = change.days[0]
    was = f"{'workday' if old.old_workday else 'holiday'}, {old.old_source}"
    click.echo(f"{day.isoformat()} set to {word} (was {was}); {_describe(change)}")


@calendar_group.command("import-year")
@click.argument("path", metavar="FILE", required=False)
@click.option("--as", "actor", default=None, metavar="USER", help="Actor for the audit.")
@pass_ctx
def import_year_cmd(ctx: CliContext, path: str | None, actor: str | None) -> None:
    """Enter a year's State Council notice from a YAML FILE; the year becomes official."""
    if path is None:
        raise CliError("FILE is required")
    try:
        notice = load_notice_file(path)
        missing = missing_statutory_days(notice)
        if missing:
            days = ", ".join(f"{d.isoformat()} {n}" for d, n in missing.items())
            echo_err(f"warning: the notice does not list the statutory holidays {days}")
        with ctx.session() as session:
            change = calendar_service.import_year_notice(session, notice.year, notice,
                                                         actor or _default_actor())
    except ValueError as exc:  # NoticeError, CalendarRangeError
        raise CliError(str(exc)) from exc
    superseded = sum(1 for d in change.days if d.old_source == "entry")
    click.echo(f"{notice.year} official (was {change.old_status}): days changed: "
               f"{len(change.days)}, single-day entries superseded: {superseded}; "
               f"{_describe(change)}")


@calendar_group.command("status")
@click.option("--from-year", "first_text", metavar="Y", help=f"Default {FIRST_STATUS_YEAR}.")
@click.option("--to-year", "last_text", metavar="Y", help="Default: next year or later.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_ctx
def status_cmd(ctx: CliContext, first_text: str | None, last_text: str | None,
               as_json: bool) -> None:
    """Per year: official, provisional or overridden (single days entered)."""
    with ctx.session() as session:
        latest = calendar_service.latest_entered_year(session) or 0
        default_last = max(datetime.now(SHANGHAI).year + 1, latest)
        first = FIRST_STATUS_YEAR if first_text is None else _integer(first_text, "--from-year")
        last = default_last if last_text is None else _integer(last_text, "--to-year")
        if first > last:
            raise CliError(f"--from-year {first} is after --to-year {last}")
        try:
            rows = calendar_service.year_statuses(session, first, last)
        except CalendarRangeError as exc:
            raise CliError(str(exc)) from exc
    if as_json:
        print_json({"years": [{"year": r.year, "status": r.status, "base": r.base,
                               "entries": r.entries, "source": r.source} for r in rows]})
        return
    for r in rows:
        extra = f" ({r.base}, days entered: {r.entries})" if r.status == "overridden" else ""
        click.echo(f"{r.year}  {r.status}{extra}" + (f"  {r.source}" if r.source else ""))


def register(cli: click.Group) -> None:
    """Add the calendar commands to the command group."""
    cli.add_command(calendar_group)

