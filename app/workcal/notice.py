"""A whole year's notice (国务院办公厅关于某年部分节假日安排的通知) as policy staff enter it:
a YAML mapping, validated into a :class:`YearNotice`.

```yaml
year: 2027
source: 国办发明电〔2026〕X号        # optional
holidays:
  - {name: 元旦, from: 2027-01-01, to: 2027-01-03}
  - {name: 春节, from: 2027-02-05, to: 2027-02-12}
workdays:                          # adjusted working days (调休上班)
  - 2027-02-07                     # named "调休上班"
  - {date: 2027-02-20, name: 春节}  # named "春节调休上班"
```
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from app.workcal.calendar import YearNotice, parse_iso_date
from app.workcal.sources import (
    ADJUSTED_SUFFIX,
    CalendarRangeError,
    check_year,
    statutory_holidays,
)

_KEYS = {"year", "source", "holidays", "workdays"}
# The statutory holidays as amended in 2024 (除夕, 5/2) are in force from 2025 on.
FIRST_YEAR_OF_LAW = 2025
_MAX_NAME = 50


class NoticeError(ValueError):
    """A notice that cannot be entered; the message names the first problem found."""


def _date(value: Any, where: str, year: int) -> date:
    if isinstance(value, datetime) or not isinstance(value, date | str):
        raise NoticeError(f"{where}: expected a date YYYY-MM-DD, got {value!r}")
    day: date
    if isinstance(value, str):
        try:
            day = parse_iso_date(value)
        except ValueError as exc:
            raise NoticeError(f"{where}: not a date YYYY-MM-DD: {value!r}") from exc
    else:
        day = value
    if day.year != year:
        raise NoticeError(f"{where}: {day} is not in the notice's year {year}")
    return day


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise NoticeError(f"{where}: a holiday name is required")
    if len(value.strip()) > _MAX_NAME:
        raise NoticeError(f"{where}: name longer than {_MAX_NAME} characters")
    return value.strip()


def _holidays(items: Any, year: int) -> dict[date, str]:
    if not isinstance(items, list):
        raise NoticeError("holidays: expected a list of {name, from, to}")
    result: dict[date, str] = {}
    for n, item in enumerate(items, 1):
        where = f"holidays[{n}]"
        if not isinstance(item, Mapping) or set(item) != {"name", "from", "to"}:
            raise NoticeError(f"{where}: expected exactly the keys name, from, to")
        name = _name(item["name"], where)
        first, last = _date(item["from"], where, year), _date(item["to"], where, year)
        if first > last:
            raise NoticeError(f"{where}: from {first} is after to {last}")
        day = first
        while day <= last:
            if day in result:
                raise NoticeError(f"{where}: {day} is already a holiday ({result[day]})")
            result[day] = name
            day += timedelta(days=1)
    return result


def _workdays(items: Any, year: int) -> dict[date, str]:
    if not isinstance(items, list):
        raise NoticeError("workdays: expected a list of dates")
    result: dict[date, str] = {}
    for n, item in enumerate(items, 1):
        where = f"workdays[{n}]"
        if isinstance(item, Mapping):
            if not set(item) <= {"date", "name"} or "date" not in item:
                raise NoticeError(f"{where}: expected a date or {{date, name}}")
            day = _date(item["date"], where, year)
            name = _name(item["name"], where) if "name" in item else ""
        else:
            day, name = _date(item, where, year), ""
        if day in result:
            raise NoticeError(f"{where}: {day} is listed twice")
        result[day] = name if name.endswith(ADJUSTED_SUFFIX) else name + ADJUSTED_SUFFIX
    return result


def parse_notice(data: Any, year: int | None = None) -> YearNotice:
    """Validate a notice mapping (as YAML loads it); *year*, when given, must match it."""
    if not isinstance(data, Mapping):
        raise NoticeError("a notice is a mapping with year, holidays and workdays")
    unknown = set(data) - _KEYS
    if unknown:
        raise NoticeError(f"unknown key(s): {', '.join(sorted(map(str, unknown)))}")
    notice_year = data.get("year")
    if isinstance(notice_year, bool) or not isinstance(notice_year, int):
        raise NoticeError(f"year: expected a year such as 2027, got {notice_year!r}")
    if year is not None and notice_year != year:
        raise NoticeError(f"the notice is for {notice_year}, not {year}")
    try:
        check_year(notice_year)
    except CalendarRangeError as exc:
        raise NoticeError(str(exc)) from exc
    if "holidays" not in data:
        raise NoticeError("holidays: required (a notice always lists its holidays)")
    holidays = _holidays(data["holidays"], notice_year)
    workdays = _workdays(data.get("workdays") or [], notice_year)
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise NoticeError(f"{both[0]} is both a holiday and an adjusted working day")
    source = data.get("source")
    if source is not None and not isinstance(source, str):
        raise NoticeError("source: expected text (the notice's number)")
    return YearNotice(notice_year, MappingProxyType(holidays), MappingProxyType(workdays),
                      (source or "").strip() or None)


def load_notice_file(path: str | Path) -> YearNotice:
    """Read and validate a notice YAML file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise NoticeError(f"cannot read {path}: {exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        raise NoticeError(f"{path}: not valid YAML: {first}") from exc
    return parse_notice(data)


def missing_statutory_days(notice: YearNotice) -> dict[date, str]:
    """Statutory holidays of the notice's year that it does not list as holidays.

    A notice always grants them, so a gap most likely is a typing error in the file; the
    import still proceeds (the notice is the authority) and the command line warns.
    """
    if notice.year < FIRST_YEAR_OF_LAW:
        return {}
    return {d: n for d, n in statutory_holidays(notice.year).items() if d not in notice.holidays}
