"""The engine's clock: every "now" of the engine (timers, deadlines, audit) comes from here.

Tests and `zhuanjie timers fire --as-of` use a fixed clock, so the instant a timer fires is
the instant that was shown to operators as the due time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    """Something that tells the current instant (aware, UTC)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        """The current instant in UTC."""
        return datetime.now(UTC)


@dataclass(frozen=True)
class FixedClock:
    """A clock that always tells the same instant (tests, `timers fire --as-of`)."""

    instant: datetime

    def __post_init__(self) -> None:
        if self.instant.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")

    def now(self) -> datetime:
        """The fixed instant in UTC."""
        return self.instant.astimezone(UTC)


def parse_instant(text: str) -> datetime:
    """Parse an ISO instant; a value without offset is read in Asia/Shanghai time."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    return value.astimezone(UTC)


def local_date(instant: datetime) -> datetime:
    """The instant in Asia/Shanghai time."""
    return instant.astimezone(SHANGHAI)
