"""``deadline(working_days=N[, start=...])`` for BPMN expressions.

The engine registers the function made here in its script environment with its own clock,
so timers and due dates follow the application clock (and ``--as-of`` in tests), never the
host's wall clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from app.workcal.calendar import SHANGHAI, Calendar, parse_iso_date

DeadlineFunction = Callable[..., str]

def shanghai_date(instant: datetime) -> date:
    """The calendar day of an aware instant in Asia/Shanghai (a naive one is refused)."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("a naive datetime has no calendar day in Asia/Shanghai")
    return instant.astimezone(SHANGHAI).date()


def parse_start(value: date | datetime | str) -> date:
    """The counting day from a date, an aware datetime, or an ISO string of either."""
    if isinstance(value, datetime):
        return shanghai_date(value)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == len("YYYY-MM-DD"):
                return parse_iso_date(text)
            return shanghai_date(datetime.fromisoformat(text))
        except ValueError as exc:
            raise ValueError(f"start is not an ISO date or aware datetime: {value!r}") from exc
    raise TypeError(f"start must be a date or an ISO string, got {type(value).__name__}")


def make_deadline_function(calendar_provider: Callable[[], Calendar],
                           now_provider: Callable[[], datetime]) -> DeadlineFunction:
    """Make ``deadline(working_days, start=None) -> str`` for the BPMN script environment.

    It returns the ISO instant (``YYYY-MM-DDT00:00:00+08:00``) at which N working days
    counted from *start* end; without *start* it counts from the current day of
    ``now_provider()`` in Asia/Shanghai. The calendar is asked for on every call, so a
    provider that reloads after a calendar change is honoured at once.
    """

    def deadline(working_days: int, start: date | datetime | str | None = None) -> str:
        day = shanghai_date(now_provider()) if start is None else parse_start(start)
        return calendar_provider().add_working_days(day, working_days).due.isoformat()

    return deadline
