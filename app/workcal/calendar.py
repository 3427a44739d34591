"""The working-day calendar of CALENDAR.md: which days are working days and how deadlines
counted in working days fall.

Precedence, highest first, for a day of year Y:

1. a policy-staff single-day entry (:class:`DayEntry`) for that day;
2. the whole-year notice of Y entered by policy staff (:class:`YearNotice`);
3. the official data of the chinesecalendar package (2004–2026);
4. the provisional rule (statutory holidays only), marked ``provisional``.

A notice or the package makes a year *official*; a year with single-day entries is
*overridden* (its other days keep their base, which may still be provisional).

Each year is built once into a table with prefix counts, so counting N working days or the
working days between two dates costs a few list look-ups per year crossed.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Literal

from app.workcal.sources import (
    YearDays,
    check_year,
    official_year,
    provisional_year,
)

# CALENDAR.md counts in Asia/Shanghai and writes deadlines with +08:00. China has kept UTC+8
# without daylight saving since 1991, so a fixed offset is exact for every date we count
# and needs no time-zone database on the host.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

YearStatus = Literal["official", "provisional", "overridden"]
DaySource = Literal["entry", "notice", "package", "provisional"]


@dataclass(frozen=True)
class DayInfo:
    """One calendar day: working day or not, whether that rests on provisional data, and the
    holiday name (春节, 国庆节 …, "春节调休上班" for an adjusted working day, or None)."""

    date: date
    workday: bool
    provisional: bool
    name: str | None


@dataclass(frozen=True)
class Deadline:
    """The answer to "N working days from D": the N-th working day, the instant it ends
    (00:00 of the next day, +08:00), and the years whose provisional days the count crossed."""

    date: date
    due: datetime
    provisional: bool
    provisional_years: frozenset[int]


@dataclass(frozen=True)
class DayEntry:
    """A policy-staff entry for one day: working day or holiday, with an optional name/note."""

    date: date
    workday: bool
    name: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class YearNotice(YearDays):
    """A whole year's State Council notice entered by policy staff (``source``: its number)."""

    source: str | None = None


@dataclass(frozen=True)
class _YearTable:
    first: date
    workday: tuple[bool, ...]
    provisional: tuple[bool, ...]
    names: Mapping[int, str]
    sources: tuple[DaySource, ...]
    # work_cum[i] / prov_cum[i]: working / provisional days among the first i days
    work_cum: tuple[int, ...] = field(repr=False)
    prov_cum: tuple[int, ...] = field(repr=False)

    def index(self, day: date) -> int:
        return (day - self.first).days


def _prefix(flags: Iterable[bool]) -> tuple[int, ...]:
    counts = [0]
    for flag in flags:
        counts.append(counts[-1] + flag)
    return tuple(counts)


def _check_day(day: date) -> None:
    # datetime is a subclass of date: a datetime here would silently drop its time zone
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"expected a date, got {type(day).__name__}")
    check_year(day.year)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_iso_date(text: str) -> date:
    """A date written exactly YYYY-MM-DD (ValueError otherwise; no week dates, no 20260212)."""
    value = text.strip()
    if not _ISO_DATE.match(value):
        raise ValueError(f"not a date YYYY-MM-DD: {text!r}")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"not a date YYYY-MM-DD: {text!r}") from exc


def end_of_day(day: date) -> datetime:
    """The instant a day ends in Asia/Shanghai: 00:00 of the next calendar day, +08:00."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=SHANGHAI)


class Calendar:
    """Working days from official data, policy-staff entries and the provisional rule."""

    def __init__(self, entries: Iterable[DayEntry] = (),
                 notices: Iterable[YearNotice] = ()) -> None:
        self._entries: dict[int, dict[date, DayEntry]] = {}
        for entry in entries:
            self._entries.setdefault(entry.date.year, {})[entry.date] = entry
        self._notices: dict[int, YearNotice] = {}
        for notice in notices:
            if notice.year in self._notices:
                raise ValueError(f"two notices for year {notice.year}")
            self._notices[notice.year] = notice
        self._tables: dict[int, _YearTable] = {}

    def _base(self, year: int) -> tuple[YearDays, DaySource]:
        notice = self._notices.get(year)
        if notice is not None:
            return notice, "notice"
        official = official_year(year)
        if official is not None:
            return official, "package"
        return provisional_year(year), "provisional"

    def _table(self, year: int) -> _YearTable:
        table = self._tables.get(year)
        if table is None:
            check_year(year)
            table = self._tables[year] = self._build(year)
        return table

    def _build(self, year: int) -> _YearTable:
        base, base_source = self._base(year)
        entries = self._entries.get(year, {})
        first = date(year, 1, 1)
        workday: list[bool] = []
        provisional: list[bool] = []
        sources: list[DaySource] = []
        names: dict[int, str] = {}
        for i in range((date(year + 1, 1, 1) - first).days):
            day = first + timedelta(days=i)
            if day in base.workdays:
                base_work, base_name = True, base.workdays[day]
            elif day in base.holidays:
                base_work, base_name = False, base.holidays[day]
            else:
                base_work, base_name = day.weekday() < 5, None
            entry = entries.get(day)
            if entry is None:
                work, name, source = base_work, base_name, base_source
            else:
                # an entry that agrees with the base keeps the base's name (国庆节 …)
                kept = base_name if base_work == entry.workday else None
                work, name, source = entry.workday, entry.name or kept, "entry"
            workday.append(work)
            provisional.append(source == "provisional")
            sources.append(source)
            if name:
                names[i] = name
        return _YearTable(first, tuple(workday), tuple(provisional), names, tuple(sources),
                          _prefix(workday), _prefix(provisional))

    def is_workday(self, day: date) -> DayInfo:
        """Whether *day* is a working day, whether that is provisional, and its name."""
        _check_day(day)
        table = self._table(day.year)
        i = table.index(day)
        return DayInfo(day, table.workday[i], table.provisional[i], table.names.get(i))

    def source(self, day: date) -> DaySource:
        """Where the answer for *day* comes from: entry, notice, package or provisional."""
        _check_day(day)
        table = self._table(day.year)
        return table.sources[table.index(day)]

    def add_working_days(self, day: date, n: int) -> Deadline:
        """The N-th working day strictly after *day* and the instant it ends.

        ``n == 0`` answers *day* itself (due at its end) and crosses no day, so it is never
        provisional. A negative *n* is an error (ValueError).
        """
        _check_day(day)
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"working days must be an integer, got {type(n).__name__}")
        if n < 0:
            raise ValueError(f"working days must not be negative: {n}")
        if n == 0:
            return Deadline(day, end_of_day(day), False, frozenset())
        year, start, remaining = day.year, self._table(day.year).index(day) + 1, n
        crossed: set[int] = set()
        while True:
            table = self._table(year)
            available = table.work_cum[-1] - table.work_cum[start]
            if remaining <= available:
                stop = bisect_left(table.work_cum, table.work_cum[start] + remaining)
                if table.prov_cum[stop] > table.prov_cum[start]:
                    crossed.add(year)
                found = table.first + timedelta(days=stop - 1)
                return Deadline(found, end_of_day(found), bool(crossed), frozenset(crossed))
            if table.prov_cum[-1] > table.prov_cum[start]:
                crossed.add(year)
            remaining -= available
            year, start = year + 1, 0
            check_year(year)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after *start* up to and including *end* ("剩余 / 已超期 N 个工作日").

        Antisymmetric: when *end* is before *start* the answer is minus the working days
        after *end* up to and including *start*.
        """
        _check_day(start)
        _check_day(end)
        if end < start:
            return -self.working_days_between(end, start)
        total = 0
        for year in range(start.year, end.year + 1):
            table = self._table(year)
            lo = table.index(start) + 1 if year == start.year else 0
            hi = table.index(end) + 1 if year == end.year else len(table.workday)
            total += table.work_cum[hi] - table.work_cum[lo]
        return total

    def base_status(self, year: int) -> Literal["official", "provisional"]:
        """Official (a notice or the package) or provisional, ignoring single-day entries."""
        check_year(year)
        return "provisional" if self._base(year)[1] == "provisional" else "official"

    def year_status(self, year: int) -> YearStatus:
        """'overridden' when policy staff entered single days of *year*, else its base status."""
        check_year(year)
        return "overridden" if self._entries.get(year) else self.base_status(year)

    def entries_of(self, year: int) -> list[DayEntry]:
        """The policy-staff single-day entries of *year*, in date order."""
        return sorted(self._entries.get(year, {}).values(), key=lambda e: e.date)
