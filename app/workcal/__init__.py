"""Working days (工作日) of CALENDAR.md: pure logic, no Flask and no database.

``Calendar`` answers whether a day is a working day and where a deadline of N working days
falls; ``make_deadline_function`` gives BPMN expressions ``deadline(working_days=N)``.
Persistence and the audit of changes live in ``app.services.calendar``.
"""

from app.workcal.calendar import (
    SHANGHAI,
    Calendar,
    DayEntry,
    DayInfo,
    DaySource,
    Deadline,
    YearNotice,
    YearStatus,
    end_of_day,
    parse_iso_date,
)
from app.workcal.expression import make_deadline_function, parse_start, shanghai_date
from app.workcal.notice import NoticeError, load_notice_file, parse_notice
from app.workcal.sources import MAX_YEAR, MIN_YEAR, CalendarRangeError

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "SHANGHAI",
    "Calendar",
    "CalendarRangeError",
    "DayEntry",
    "DayInfo",
    "DaySource",
    "Deadline",
    "NoticeError",
    "YearNotice",
    "YearStatus",
    "end_of_day",
    "load_notice_file",
    "make_deadline_function",
    "parse_iso_date",
    "parse_notice",
    "parse_start",
    "shanghai_date",
]
