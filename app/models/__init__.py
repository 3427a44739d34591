"""Every table of zhuanjie; importing this package registers them on Base.metadata."""

from app.models.calendar import (
    CalendarChange,
    CalendarChangeDay,
    CalendarDay,
    CalendarNotice,
    CalendarNoticeDay,
)
from app.models.member import Member
from app.models.org import Org
from app.models.user import User, UserRole

__all__ = [
    "CalendarChange",
    "CalendarChangeDay",
    "CalendarDay",
    "CalendarNotice",
    "CalendarNoticeDay",
    "Member",
    "Org",
    "User",
    "UserRole",
]
