"""Counting working days: entries and notices win, n == 0, bad arguments, and a property
check of the fast (prefix-count) paths against a plain day-by-day count."""

from datetime import date, datetime, timedelta
from types import MappingProxyType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.workcal import Calendar, DayEntry, YearNotice


def _slow_add(cal: Calendar, day: date, n: int) -> tuple[date, frozenset[int]]:
    years: set[int] = set()
    while n:
        day += timedelta(days=1)
        info = cal.is_workday(day)
        if info.provisional:
            years.add(day.year)
        n -= info.workday
    return day, frozenset(years)


CAL = Calendar(entries=[DayEntry(date(2027, 3, 1), False, "测试")])


@settings(max_examples=200, deadline=None)
@given(st.dates(date(2024, 1, 1), date(2029, 12, 31)), st.integers(1, 400))
def test_fast_count_equals_day_by_day_count(day: date, n: int) -> None:
    deadline = CAL.add_working_days(day, n)
    assert (deadline.date, deadline.provisional_years) == _slow_add(CAL, day, n)
    assert CAL.working_days_between(day, deadline.date) == n
    assert CAL.working_days_between(deadline.date, day) == -n


def test_n_zero_is_the_day_itself() -> None:
    deadline = Calendar().add_working_days(date(2027, 2, 6), 0)
    assert deadline.date == date(2027, 2, 6)
    assert deadline.due.isoformat() == "2027-02-07T00:00:00+08:00"
    assert deadline.provisional is False


def test_bad_arguments() -> None:
    cal = Calendar()
    with pytest.raises(ValueError, match="negative"):
        cal.add_working_days(date(2026, 2, 12), -1)
    with pytest.raises(TypeError):
        cal.add_working_days(date(2026, 2, 12), 1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cal.is_workday(datetime(2026, 2, 12, 9))


def test_working_days_between() -> None:
    cal = Calendar()
    assert cal.working_days_between(date(2026, 2, 12), date(2026, 2, 12)) == 0
    assert cal.working_days_between(date(2026, 2, 12), date(2026, 2, 26)) == 5
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1  # 2/14 only
    # 2026 has 261 days Mon–Fri; the notice closes 19 of them (元旦 2, 春节 6, 清明 1,
    # 劳动节 3, 端午 1, 中秋 1, 国庆 5) and opens 6 adjusted working days
    assert cal.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 261 - 19 + 6


def test_entry_changes_a_later_answer() -> None:
    day = date(2026, 2, 12)
    assert Calendar().add_working_days(day, 5).date == date(2026, 2, 26)
    closed = Calendar(entries=[DayEntry(date(2026, 2, 25), False, note="停电")])
    assert closed.add_working_days(day, 5).date == date(2026, 2, 27)
    info = closed.is_workday(date(2026, 2, 25))
    assert (info.workday, info.provisional, info.name) == (False, False, None)
    assert closed.year_status(2026) == "overridden"
    assert closed.base_status(2026) == "official"


def test_entry_in_a_provisional_year_is_not_provisional() -> None:
    cal = Calendar(entries=[DayEntry(date(2027, 2, 20), True, "春节调休上班")])
    info = cal.is_workday(date(2027, 2, 20))
    assert (info.workday, info.provisional, info.name) == (True, False, "春节调休上班")
    assert cal.is_workday(date(2027, 2, 19)).provisional is True
    assert cal.source(date(2027, 2, 20)) == "entry"
    assert cal.source(date(2027, 2, 19)) == "provisional"


def test_entry_agreeing_with_the_base_keeps_its_name() -> None:
    cal = Calendar(entries=[DayEntry(date(2026, 10, 1), False, note="确认")])
    assert cal.is_workday(date(2026, 10, 1)).name == "国庆节"


def test_notice_makes_a_year_official() -> None:
    notice = YearNotice(
        2027,
        MappingProxyType({date(2027, 2, d): "春节" for d in range(5, 13)}),
        MappingProxyType({date(2027, 2, 20): "春节调休上班"}),
    )
    cal = Calendar(notices=[notice])
    assert cal.year_status(2027) == "official"
    assert cal.is_workday(date(2027, 2, 10)).workday is False
    assert cal.is_workday(date(2027, 2, 20)).workday is True
    # a notice is the whole arrangement: days it does not list follow the weekday rule,
    # the provisional 元旦 included
    assert cal.is_workday(date(2027, 1, 1)).workday is True
    deadline = cal.add_working_days(date(2026, 12, 20), 15)
    assert deadline.provisional is False
    assert deadline.date == date(2027, 1, 8)


def test_entry_wins_over_notice() -> None:
    notice = YearNotice(2027, MappingProxyType({date(2027, 1, 1): "元旦"}))
    cal = Calendar(entries=[DayEntry(date(2027, 1, 1), True)], notices=[notice])
    assert cal.is_workday(date(2027, 1, 1)).workday is True
    assert cal.year_status(2027) == "overridden"


def test_two_notices_for_one_year_are_refused() -> None:
    with pytest.raises(ValueError, match="two notices"):
        Calendar(notices=[YearNotice(2027), YearNotice(2027)])
