"""Calendar use cases: load the calendar, enter a day, import a year's notice, list years.

Every change is audited in ``calendar_change`` (who, when, old and new value of each day,
a note) inside the caller's transaction, after the hooks registered with
:func:`on_official_year` have recomputed the deadlines that depend on the changed year.

Decisions (see docs/architecture.md):

- A notice is the whole official arrangement of its year. Importing one supersedes the
  single-day entries of that year (each is kept in the audit with its old value); a day
  entered afterwards wins over the notice again.
- Entering a single day does not make a year official, but it changes every deadline that
  counts across that day, so the hooks are called for the day's year too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.models.calendar import (
    CalendarChange,
    CalendarChangeDay,
    CalendarDay,
    CalendarNotice,
    CalendarNoticeDay,
)
from app.workcal import Calendar, DayEntry, YearNotice, parse_notice
from app.workcal.notice import NoticeError
from app.workcal.sources import check_year

OfficialYearHook = Callable[[Session, int], int]

_hooks: list[OfficialYearHook] = []
# set in session.info by a change: that session's calendar is no longer the cached one
_DIRTY = "zhuanjie.calendar_changed"

MAX_NAME = 50
MAX_NOTE = 500
MAX_ACTOR = 100


def on_official_year(callback: OfficialYearHook) -> OfficialYearHook:
    """Register ``callback(session, year) -> int`` (deadlines recomputed); usable as a
    decorator. It runs inside the change's transaction, after the new days are flushed."""
    if callback not in _hooks:
        _hooks.append(callback)
    return callback


def remove_official_year_hook(callback: OfficialYearHook) -> None:
    """Unregister a hook (tests, shutdown); unknown hooks are ignored."""
    if callback in _hooks:
        _hooks.remove(callback)


def _fire_hooks(session: Session, year: int) -> int:
    # The engine registers its deadline recompute in app.services.workflow: make sure it is
    # there whatever entry point (CLI, web, API) made the change.
    import app.services.workflow  # noqa: F401

    session.info[_DIRTY] = True
    session.flush()
    return sum(int(hook(session, year)) for hook in list(_hooks))


def load_calendar(session: Session) -> Calendar:
    """The calendar with every policy-staff entry and notice of the database."""
    entries = [
        DayEntry(row.day, row.workday, row.name, row.note)
        for row in session.scalars(select(CalendarDay))
    ]
    notices = []
    for notice in session.scalars(select(CalendarNotice)):
        holidays = {d.day: d.name for d in notice.days if not d.workday}
        workdays = {d.day: d.name for d in notice.days if d.workday}
        notices.append(YearNotice(notice.year, holidays, workdays, notice.source))
    return Calendar(entries, notices)


def calendar_version(session: Session) -> tuple[int, datetime | None]:
    """The id and time of the last calendar change: changes with every committed change.

    The time is part of the key because ids restart when a database is emptied (tests).
    """
    row = session.execute(
        select(CalendarChange.id, CalendarChange.changed_at)
        .order_by(CalendarChange.id.desc()).limit(1)
    ).first()
    return (0, None) if row is None else (int(row[0]), row[1])


_cache: dict[str, tuple[tuple[int, datetime | None], Calendar]] = {}


def current_calendar(session: Session) -> Calendar:
    """The calendar, reused across calls while no change was committed (one small query).

    Use it where deadlines are counted often (the scheduler, task persistence). Inside a
    transaction that changed the calendar (a recompute hook, say) it loads afresh, so the
    uncommitted change is seen.
    """
    if session.info.get(_DIRTY):
        return load_calendar(session)
    version = calendar_version(session)
    key = session.get_bind().engine.url.render_as_string(hide_password=False)
    cached = _cache.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    calendar = load_calendar(session)
    _cache[key] = (version, calendar)
    return calendar


def _text(value: str | None, what: str, limit: int) -> str | None:
    if value is None or not value.strip():
        return None
    if len(value.strip()) > limit:
        raise ValueError(f"{what} is longer than {limit} characters")
    return value.strip()


def _actor(actor: str) -> str:
    checked = _text(actor, "actor", MAX_ACTOR)
    if checked is None:
        raise ValueError("the actor of a calendar change is required")
    return checked


def _day_change(before: Calendar, after: Calendar, day: date) -> CalendarChangeDay:
    old, new = before.is_workday(day), after.is_workday(day)
    return CalendarChangeDay(
        day=day, old_workday=old.workday, old_name=old.name, old_source=before.source(day),
        new_workday=new.workday, new_name=new.name, new_source=after.source(day),
    )


def _audit(session: Session, *, action: str, year: int, actor: str, note: str | None,
           statuses: tuple[str, str], days: list[CalendarChangeDay],
           recomputed: int) -> CalendarChange:
    change = CalendarChange(
        changed_at=datetime.now(UTC), actor=actor, action=action, year=year,
        old_status=statuses[0], new_status=statuses[1], note=note, recomputed=recomputed,
        days=days,
    )
    session.add(change)
    session.flush()
    return change


def set_day(session: Session, day: date, workday: bool, note: str | None, actor: str,
            name: str | None = None) -> CalendarChange:
    """Enter (or correct) one day as a working day or a holiday; audited.

    Returns the audit row; its ``recomputed`` is the number of pending deadlines the hooks
    recomputed. Raises ValueError (nothing written) on a date outside the supported years
    or text too long.
    """
    check_year(day.year)
    note, name, actor = _text(note, "note", MAX_NOTE), _text(name, "name", MAX_NAME), _actor(actor)
    before = load_calendar(session)
    row = session.get(CalendarDay, day) or CalendarDay(day=day, year=day.year)
    row.workday, row.name, row.note = workday, name, note
    row.entered_by, row.entered_at = actor, datetime.now(UTC)
    session.add(row)
    session.flush()
    after = load_calendar(session)
    recomputed = _fire_hooks(session, day.year)
    statuses = (before.year_status(day.year), after.year_status(day.year))
    return _audit(session, action="set_day", year=day.year, actor=actor, note=note,
                  statuses=statuses, days=[_day_change(before, after, day)],
                  recomputed=recomputed)


def _checked_notice(year: int, notice: YearNotice | Mapping[str, Any]) -> YearNotice:
    if not isinstance(notice, YearNotice):
        return parse_notice(notice, year)
    if notice.year != year:
        raise NoticeError(f"the notice is for {notice.year}, not {year}")
    check_year(year)
    days = list(notice.holidays) + list(notice.workdays)
    if any(d.year != year for d in days):
        raise NoticeError(f"a notice for {year} lists a day of another year")
    if set(notice.holidays) & set(notice.workdays):
        raise NoticeError("a day is both a holiday and an adjusted working day")
    return notice


def _year_days(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


def _store_notice(session: Session, notice: YearNotice, actor: str) -> None:
    old = session.get(CalendarNotice, notice.year)
    if old is not None:
        session.delete(old)
        session.flush()
    days = [CalendarNoticeDay(day=d, workday=False, name=n) for d, n in notice.holidays.items()]
    days += [CalendarNoticeDay(day=d, workday=True, name=n) for d, n in notice.workdays.items()]
    session.add(CalendarNotice(year=notice.year, source=notice.source, imported_by=actor,
                               imported_at=datetime.now(UTC), days=days))
    session.execute(delete(CalendarDay).where(CalendarDay.year == notice.year))
    session.flush()


def import_year_notice(session: Session, year: int, notice: YearNotice | Mapping[str, Any],
                       actor: str, note: str | None = None) -> CalendarChange:
    """Enter a whole year's notice (a validated YearNotice or the mapping of its YAML file),
    making the year official; audited, then the hooks run for the year.

    The audit lists every day whose working-day flag or name changed and every single-day
    entry the notice superseded. Raises NoticeError / ValueError with nothing written.
    """
    checked = _checked_notice(year, notice)
    note, actor = _text(note, "note", MAX_NOTE), _actor(actor)
    before = load_calendar(session)
    _store_notice(session, checked, actor)
    after = load_calendar(session)
    days = []
    for day in _year_days(year):
        old, new = before.is_workday(day), after.is_workday(day)
        if (old.workday, old.name) != (new.workday, new.name) or before.source(day) == "entry":
            days.append(_day_change(before, after, day))
    recomputed = _fire_hooks(session, year)
    statuses = (before.year_status(year), after.year_status(year))
    return _audit(session, action="import_year", year=year, actor=actor,
                  note=" ".join(filter(None, [checked.source, note])) or None,
                  statuses=statuses, days=days, recomputed=recomputed)


@dataclass(frozen=True)
class YearStatusRow:
    """One line of `calendar status`."""

    year: int
    status: str
    base: str
    entries: int
    source: str | None


def year_statuses(session: Session, first: int, last: int) -> list[YearStatusRow]:
    """Per year from *first* to *last*: status, base status, single-day entries and the
    notice's source when one was imported."""
    check_year(first)
    check_year(last)
    calendar = load_calendar(session)
    sources = dict(session.execute(select(CalendarNotice.year, CalendarNotice.source)).all())
    return [
        YearStatusRow(year, calendar.year_status(year), calendar.base_status(year),
                      len(calendar.entries_of(year)), sources.get(year))
        for year in range(first, last + 1)
    ]


def latest_entered_year(session: Session) -> int | None:
    """The last year with a notice or a single-day entry, if any."""
    years = [session.scalar(select(func.max(CalendarDay.year))),
             session.scalar(select(func.max(CalendarNotice.year)))]
    present = [y for y in years if y is not None]
    return max(present) if present else None


def changes(session: Session, year: int | None = None) -> list[CalendarChange]:
    """The audited changes, oldest first, optionally of one year."""
    query = select(CalendarChange).order_by(CalendarChange.id)
    if year is not None:
        query = query.where(CalendarChange.year == year)
    return list(session.scalars(query))

