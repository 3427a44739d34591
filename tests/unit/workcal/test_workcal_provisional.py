"""Years without official data: the statutory holidays of the law, lunar dates from lunardate."""

from datetime import date, timedelta

import pytest
from lunardate import LunarDate

from app.workcal import Calendar, CalendarRangeError
from app.workcal.sources import statutory_holidays


def test_2027_examples_of_calendar_md() -> None:
    cal = Calendar()
    for day in (date(2027, 2, 5), date(2027, 2, 8)):  # 除夕 (Fri), 初三 (Mon)
        info = cal.is_workday(day)
        assert (info.workday, info.provisional, info.name) == (False, True, "春节")
    for day in (date(2027, 2, 6), date(2027, 2, 7)):  # 初一, 初二: a weekend
        assert cal.is_workday(day).workday is False
    assert cal.is_workday(date(2027, 2, 4)).workday is True
    assert cal.is_workday(date(2027, 2, 9)).workday is True


def test_2027_statutory_holidays() -> None:
    assert statutory_holidays(2027) == {
        date(2027, 1, 1): "元旦",
        date(2027, 2, 5): "春节", date(2027, 2, 6): "春节",
        date(2027, 2, 7): "春节", date(2027, 2, 8): "春节",
        date(2027, 4, 5): "清明节",
        date(2027, 5, 1): "劳动节", date(2027, 5, 2): "劳动节",
        date(2027, 6, 9): "端午节",
        date(2027, 9, 15): "中秋节",
        date(2027, 10, 1): "国庆节", date(2027, 10, 2): "国庆节", date(2027, 10, 3): "国庆节",
    }


def test_no_adjusted_working_day_is_guessed() -> None:
    cal = Calendar()
    day = date(2027, 1, 1)
    while day.year == 2027:
        info = cal.is_workday(day)
        assert info.provisional is True
        if day.weekday() >= 5:
            assert info.workday is False, day
        day += timedelta(days=1)


@pytest.mark.parametrize("year", [2027, 2028, 2030, 2033, 2050, 2099])
def test_chuxi_is_the_last_day_of_the_twelfth_lunar_month(year: int) -> None:
    spring = [d for d, n in statutory_holidays(year).items() if n == "春节"]
    chuxi = min(spring)
    lunar = LunarDate.from_solar_date(chuxi.year, chuxi.month, chuxi.day)
    assert lunar.month == 12 and lunar.day in (29, 30)
    assert LunarDate.from_solar_date(*(chuxi + timedelta(days=1)).timetuple()[:3]).day == 1
    assert len(spring) == 4


def test_both_lengths_of_the_twelfth_month_occur() -> None:
    lengths = set()
    for year in range(2027, 2040):
        chuxi = min(d for d, n in statutory_holidays(year).items() if n == "春节")
        lengths.add(LunarDate.from_solar_date(chuxi.year, chuxi.month, chuxi.day).day)
    assert lengths == {29, 30}


def test_two_holidays_on_one_day_keep_both_names() -> None:
    # 中秋 fell on 10/1 in 2001, a year before the package's data
    info = Calendar().is_workday(date(2001, 10, 1))
    assert info.name == "中秋节、国庆节"
    assert info.provisional is True


def test_span_into_the_provisional_year() -> None:
    deadline = Calendar().add_working_days(date(2026, 12, 20), 15)
    assert deadline.date == date(2027, 1, 11)  # 2027-01-01 (元旦) is skipped
    assert deadline.due.isoformat() == "2027-01-12T00:00:00+08:00"
    assert deadline.provisional is True
    assert deadline.provisional_years == frozenset({2027})


def test_span_inside_an_official_year_is_not_provisional() -> None:
    deadline = Calendar().add_working_days(date(2026, 12, 1), 5)
    assert deadline.provisional is False


def test_span_ending_on_dec_31_does_not_touch_the_next_year() -> None:
    cal = Calendar()
    deadline = cal.add_working_days(date(2026, 12, 24), 5)
    assert deadline.date == date(2026, 12, 31)
    assert deadline.provisional is False


def test_span_across_several_years() -> None:
    deadline = Calendar().add_working_days(date(2026, 6, 1), 600)
    assert deadline.date.year >= 2028
    assert deadline.provisional_years == frozenset(range(2027, deadline.date.year + 1))


def test_supported_range() -> None:
    cal = Calendar()
    assert cal.is_workday(date(1901, 1, 1)).provisional is True
    assert cal.is_workday(date(2099, 12, 31)).workday is True  # a Thursday
    with pytest.raises(CalendarRangeError, match="1901–2099"):
        cal.is_workday(date(2100, 1, 1))
    with pytest.raises(CalendarRangeError, match="1900"):
        cal.year_status(1900)
    with pytest.raises(CalendarRangeError, match="2100"):
        cal.add_working_days(date(2099, 12, 29), 5)
