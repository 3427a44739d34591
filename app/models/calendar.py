"""The working-day calendar's data entered by policy staff (CALENDAR.md), and its audit.

- ``calendar_day``: single-day entries (working day / holiday with a name and a note);
  they win over every other source.
- ``calendar_notice`` / ``calendar_notice_day``: a whole year's State Council notice; it makes
  the year official. Re-importing a year replaces its notice.
- ``calendar_change`` / ``calendar_change_day``: the append-only audit of every change — who,
  when, what (old and new value of each day) and a note. Database triggers refuse UPDATE and
  DELETE on both, whatever code runs against the database.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UtcDateTime

CHANGE_ACTIONS = ("set_day", "import_year")


class CalendarDay(Base):
    """A policy-staff entry for one day."""

    __tablename__ = "calendar_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    workday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str | None] = mapped_column(String(50))
    note: Mapped[str | None] = mapped_column(String(500))
    entered_by: Mapped[str] = mapped_column(String(100))
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CalendarNotice(Base):
    """A whole year's notice as entered: its source (number) and who entered it when."""

    __tablename__ = "calendar_notice"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str | None] = mapped_column(String(200))
    imported_by: Mapped[str] = mapped_column(String(100))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime)
    days: Mapped[list[CalendarNoticeDay]] = relationship(
        back_populates="notice", cascade="all, delete-orphan", lazy="selectin",
        order_by="CalendarNoticeDay.day",
    )


class CalendarNoticeDay(Base):
    """One holiday or adjusted working day of a notice."""

    __tablename__ = "calendar_notice_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("calendar_notice.year"), index=True)
    workday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(50))
    notice: Mapped[CalendarNotice] = relationship(back_populates="days")


class CalendarChange(Base):
    """One audited change of the calendar (append-only)."""

    __tablename__ = "calendar_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer, index=True)
    old_status: Mapped[str] = mapped_column(String(20))
    new_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(500))
    recomputed: Mapped[int] = mapped_column(Integer, default=0)
    days: Mapped[list[CalendarChangeDay]] = relationship(
        back_populates="change", lazy="selectin", order_by="CalendarChangeDay.day",
    )


class CalendarChangeDay(Base):
    """The old and new value of one day in a change (source: entry/notice/package/provisional)."""

    __tablename__ = "calendar_change_day"

    change_id: Mapped[int] = mapped_column(ForeignKey("calendar_change.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    old_workday: Mapped[bool] = mapped_column(Boolean)
    old_name: Mapped[str | None] = mapped_column(String(50))
    old_source: Mapped[str] = mapped_column(String(20))
    new_workday: Mapped[bool] = mapped_column(Boolean)
    new_name: Mapped[str | None] = mapped_column(String(50))
    new_source: Mapped[str] = mapped_column(String(20))
    change: Mapped[CalendarChange] = relationship(back_populates="days")
