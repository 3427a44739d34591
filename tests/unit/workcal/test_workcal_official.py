"""The official years 2025 and 2026, day by day, against the State Council notices.

Expected values are typed from the notices themselves (国办发明电〔2024〕12号 of
2024-11-12 for 2025, the notice of 2025-11-04 for 2026), not from the package, so a package
error would show here.
"""

from datetime import date, timedelta

import pytest

from app.workcal import Calendar

NOTICES: dict[int, dict[str, list[tuple[str, date, date]] | list[date]]] = {
    2025: {
        "holidays": [
            ("元旦", date(2025, 1, 1), date(2025, 1, 1)),
            ("春节", date(2025, 1, 28), date(2025, 2, 4)),
            ("清明节", date(2025, 4, 4), date(2025, 4, 6)),
            ("劳动节", date(2025, 5, 1), date(2025, 5, 5)),
            ("端午节", date(2025, 5, 31), date(2025, 6, 2)),
            ("国庆节", date(2025, 10, 1), date(2025, 10, 8)),  # 国庆节、中秋节
        ],
        "workdays": [date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27),
                     date(2025, 9, 28), date(2025, 10, 11)],
    },
    2026: {
        "holidays": [
            ("元旦", date(2026, 1, 1), date(2026, 1, 3)),
            ("春节", date(2026, 2, 15), date(2026, 2, 23)),
            ("清明节", date(2026, 4, 4), date(2026, 4, 6)),
            ("劳动节", date(2026, 5, 1), date(2026, 5, 5)),
            ("端午节", date(2026, 6, 19), date(2026, 6, 21)),
            ("中秋节", date(2026, 9, 25), date(2026, 9, 27)),
            ("国庆节", date(2026, 10, 1), date(2026, 10, 7)),
        ],
        "workdays": [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
                     date(2026, 9, 20), date(2026, 10, 10)],
    },
}


def _holiday_days(year: int) -> dict[date, str]:
    days: dict[date, str] = {}
    for name, first, last in NOTICES[year]["holidays"]:  # type: ignore[misc]
        day = first
        while day <= last:
            days[day] = name
            day += timedelta(days=1)
    return days


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_day_of_the_year_matches_the_notice(year: int) -> None:
    cal = Calendar()
    holidays = _holiday_days(year)
    workdays = set(NOTICES[year]["workdays"])  # type: ignore[arg-type]
    day = date(year, 1, 1)
    while day.year == year:
        expected = day in workdays or (day.weekday() < 5 and day not in holidays)
        info = cal.is_workday(day)
        assert (info.workday, info.provisional) == (expected, False), day
        day += timedelta(days=1)


@pytest.mark.parametrize("year", [2025, 2026])
def test_holiday_blocks_are_named(year: int) -> None:
    cal = Calendar()
    for day, name in _holiday_days(year).items():
        got = cal.is_workday(day).name
        # the package names the 中秋 day inside 2025's joint 国庆中秋 block 中秋节
        if day == date(2025, 10, 6):
            assert got == "中秋节"
        else:
            assert got == name, day


@pytest.mark.parametrize("day", NOTICES[2025]["workdays"] + NOTICES[2026]["workdays"])
def test_adjusted_working_days_are_weekend_days_that_work(day: date) -> None:
    info = Calendar().is_workday(day)
    assert day.weekday() >= 5
    assert info.workday is True
    assert info.provisional is False
    assert info.name is not None and info.name.endswith("调休上班")


def test_adjusted_working_day_names() -> None:
    cal = Calendar()
    assert cal.is_workday(date(2026, 2, 14)).name == "春节调休上班"
    assert cal.is_workday(date(2026, 9, 20)).name == "国庆节调休上班"
    assert cal.is_workday(date(2025, 4, 27)).name == "劳动节调休上班"


def test_ordinary_days_have_no_name() -> None:
    cal = Calendar()
    assert cal.is_workday(date(2026, 3, 10)).name is None  # a Tuesday
    assert cal.is_workday(date(2026, 3, 14)).name is None  # a Saturday


def test_calendar_md_examples() -> None:
    cal = Calendar()
    deadline = cal.add_working_days(date(2026, 2, 12), 5)
    assert deadline.date == date(2026, 2, 26)
    assert deadline.due.isoformat() == "2026-02-27T00:00:00+08:00"
    assert deadline.provisional is False
    assert deadline.provisional_years == frozenset()


def test_the_day_of_receipt_is_not_counted() -> None:
    cal = Calendar()
    # 2026-03-09 is a Monday: one working day from it is Tuesday, not Monday itself
    assert cal.add_working_days(date(2026, 3, 9), 1).date == date(2026, 3, 10)
    # from a holiday the count starts with the next working day
    assert cal.add_working_days(date(2026, 10, 1), 1).date == date(2026, 10, 8)
    assert cal.add_working_days(date(2026, 10, 1), 3).date == date(2026, 10, 10)


def test_year_status_of_package_years() -> None:
    cal = Calendar()
    assert [cal.year_status(y) for y in (2004, 2025, 2026)] == ["official"] * 3
    assert cal.year_status(2003) == "provisional"
    assert cal.year_status(2027) == "provisional"
