"""Where the days of a year come from before any policy-staff entry: the official data of
the ``chinesecalendar`` package (2004–2026) or the provisional rule of CALENDAR.md.

A year's special days are a :class:`YearDays`: its holidays (days off although Monday to
Friday, or statutory holidays falling on a weekend) and its adjusted working days (调休上班).
Every other day follows the weekday rule: Monday to Friday work, Saturday and Sunday rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType

import chinese_calendar
from lunardate import LunarDate

# The lunar library covers lunar years 1900–2099; solar 1900 begins inside lunar 1899, so
# the first solar year whose 除夕 it can place is 1901.
MIN_YEAR = 1901
MAX_YEAR = 2099

# The package keys its days by English holiday names; on screen they are Chinese.
_PACKAGE_NAMES = {
    chinese_calendar.Holiday.new_years_day.value: "元旦",
    chinese_calendar.Holiday.spring_festival.value: "春节",
    chinese_calendar.Holiday.tomb_sweeping_day.value: "清明节",
    chinese_calendar.Holiday.labour_day.value: "劳动节",
    chinese_calendar.Holiday.dragon_boat_festival.value: "端午节",
    chinese_calendar.Holiday.national_day.value: "国庆节",
    chinese_calendar.Holiday.mid_autumn_festival.value: "中秋节",
}

ADJUSTED_SUFFIX = "调休上班"


class CalendarRangeError(ValueError):
    """A date outside the years the calendar can answer for (MIN_YEAR–MAX_YEAR)."""


@dataclass(frozen=True)
class YearDays:
    """The special days of one year: holidays and adjusted working days, each with a name."""

    year: int
    holidays: Mapping[date, str] = field(default_factory=dict)
    workdays: Mapping[date, str] = field(default_factory=dict)


def check_year(year: int) -> None:
    """Refuse a year the lunar library (and so the provisional rule) cannot cover."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CalendarRangeError(
            f"year {year} is outside the supported range {MIN_YEAR}–{MAX_YEAR}"
        )


def package_years() -> range:
    """The years for which the chinesecalendar package holds official data."""
    years = [d.year for d in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


def _package_name(value: str) -> str:
    name = _PACKAGE_NAMES.get(value)
    if name is not None:
        return name
    for holiday in chinese_calendar.Holiday:
        if holiday.value == value:
            return str(holiday.chinese)
    return value


@lru_cache(maxsize=64)
def official_year(year: int) -> YearDays | None:
    """The package's official days of *year*, or None when the package has no data for it."""
    if year not in package_years():
        return None
    holidays = {
        d: _package_name(v) for d, v in chinese_calendar.holidays.items() if d.year == year
    }
    workdays = {
        d: _package_name(v) + ADJUSTED_SUFFIX
        for d, v in chinese_calendar.workdays.items()
        if d.year == year
    }
    return YearDays(year, MappingProxyType(holidays), MappingProxyType(workdays))


def _lunar(year: int, month: int, day: int) -> date:
    solar: date = LunarDate(year, month, day).to_solar_date()
    return solar


def _qingming(year: int) -> date:
    terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30))
    for day, name in terms:
        if name == "清明":
            found: date = day
            return found
    raise CalendarRangeError(f"no solar term 清明 found in April {year}")


def statutory_holidays(year: int) -> dict[date, str]:
    """The statutory holidays that the law fixes for *year* (《全国年节及纪念日放假办法》, 2024).

    When two of them fall on the same day (中秋 on 10/1, say) the names are joined with "、".
    """
    check_year(year)
    spring = _lunar(year, 1, 1)
    days: list[tuple[date, str]] = [(date(year, 1, 1), "元旦")]
    # 除夕 is the last day of the 12th lunar month, which has 29 or 30 days: the day before
    # 正月初一 is right in both cases.
    days += [(spring + timedelta(days=offset), "春节") for offset in range(-1, 3)]
    days.append((_qingming(year), "清明节"))
    days += [(date(year, 5, 1), "劳动节"), (date(year, 5, 2), "劳动节")]
    days.append((_lunar(year, 5, 5), "端午节"))
    days.append((_lunar(year, 8, 15), "中秋节"))
    days += [(date(year, 10, d), "国庆节") for d in (1, 2, 3)]
    result: dict[date, str] = {}
    for day, name in sorted(days):
        result[day] = f"{result[day]}、{name}" if day in result else name
    return result


@lru_cache(maxsize=256)
def provisional_year(year: int) -> YearDays:
    """The provisional days of a year without official data: statutory holidays only, no
    adjusted working days (none is ever guessed)."""
    return YearDays(year, MappingProxyType(statutory_holidays(year)), MappingProxyType({}))
