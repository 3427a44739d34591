"""Party members (党员). A member row is never deleted (Art. 12): see the migration's triggers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UtcDateTime

MEMBER_CATEGORIES = ("full", "probationary")
MEMBER_STATUSES = ("active", "out_province", "out_of_system")


class Member(Base):
    """One member with the fields of the 党员基本信息采集表 that zhuanjie keeps."""

    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    gender: Mapped[str] = mapped_column(String(4))
    ethnicity: Mapped[str] = mapped_column(String(20))
    birth_date: Mapped[date] = mapped_column(Date)
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    category: Mapped[str] = mapped_column(String(16))
    branch_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    joined_on: Mapped[date] = mapped_column(Date)
    dues_paid_until: Mapped[str] = mapped_column(String(7))
    phone: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="active")
    status_note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
