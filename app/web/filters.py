"""Jinja filters for the Chinese screens of UI.md: dates, masks, working days, labels."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask

from app.engine.clock import SHANGHAI
from app.models.case import CASE_KINDS, CASE_STATUSES
from app.org.idnumber import mask
from app.policy import ROLE_LABELS


def date_cn(value: date | datetime | str | None) -> str:
    """2026年11月26日."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(SHANGHAI).date()
    return f"{value.year}年{value.month}月{value.day}日"


def datetime_cn(value: datetime | str | None) -> str:
    """2026-11-26 14:05 (Asia/Shanghai)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def mask_id(value: str | None) -> str:
    """公民身份号码 as 4301**********1234."""
    return mask(value) if value else ""


def mask_phone(value: str | None) -> str:
    """Phone numbers as 138****5678."""
    if not value:
        return ""
    digits = value.strip()
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "****"


def register_filters(app: Flask) -> None:
    """Add the filters and label tables to *app*'s templates."""
    app.jinja_env.filters.update(date_cn=date_cn, datetime_cn=datetime_cn, mask_id=mask_id,
                                 mask_phone=mask_phone)
    labels: dict[str, Any] = {"kinds": CASE_KINDS, "statuses": CASE_STATUSES,
                              "roles": ROLE_LABELS}
    app.jinja_env.globals.update(labels=labels)
