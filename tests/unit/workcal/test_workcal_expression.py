"""deadline(working_days=N[, start]) for BPMN expressions, on the application's clock."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from app.workcal import Calendar, DayEntry, make_deadline_function


def test_counts_from_the_clocks_day_in_shanghai() -> None:
    # 17:30 UTC on 2026-02-11 is already 01:30 on 2026-02-12 in Shanghai
    now = datetime(2026, 2, 11, 17, 30, tzinfo=UTC)
    deadline = make_deadline_function(Calendar, lambda: now)
    assert deadline(working_days=5) == "2026-02-27T00:00:00+08:00"
    assert deadline(5) == "2026-02-27T00:00:00+08:00"


def test_explicit_start() -> None:
    deadline = make_deadline_function(Calendar, lambda: datetime(2030, 1, 1, tzinfo=UTC))
    assert deadline(working_days=5, start="2026-02-12") == "2026-02-27T00:00:00+08:00"
    assert deadline(working_days=5, start=date(2026, 2, 12)) == "2026-02-27T00:00:00+08:00"
    minus_five = timezone(timedelta(hours=-5))
    assert deadline(working_days=5, start="2026-02-11T12:00:00-05:00") == (
        "2026-02-27T00:00:00+08:00"
    )
    assert deadline(5, start=datetime(2026, 2, 11, 12, tzinfo=minus_five)) == (
        "2026-02-27T00:00:00+08:00"
    )
    assert deadline(working_days=15, start="2026-12-20") == "2027-01-12T00:00:00+08:00"


def test_calendar_is_asked_on_every_call() -> None:
    calendars = [Calendar()]
    deadline = make_deadline_function(lambda: calendars[-1],
                                      lambda: datetime(2026, 2, 12, 2, tzinfo=UTC))
    assert deadline(working_days=5) == "2026-02-27T00:00:00+08:00"
    calendars.append(Calendar(entries=[DayEntry(date(2026, 2, 25), False)]))
    assert deadline(working_days=5) == "2026-02-28T00:00:00+08:00"


def test_bad_input() -> None:
    aware = make_deadline_function(Calendar, lambda: datetime(2026, 2, 12, tzinfo=UTC))
    naive = make_deadline_function(Calendar, lambda: datetime(2026, 2, 12))
    with pytest.raises(ValueError, match="naive"):
        naive(working_days=5)
    with pytest.raises(ValueError, match="negative"):
        aware(working_days=-1)
    with pytest.raises(ValueError, match="ISO"):
        aware(working_days=5, start="12/02/2026")
    with pytest.raises(ValueError, match="ISO"):
        aware(working_days=5, start="2026-W07-4")
    with pytest.raises(ValueError, match="ISO"):
        aware(working_days=5, start="2026-02-12T09:00:00")  # naive datetime string
