"""Helpers every handler uses: the case of the running instance, the actor, dates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from app.engine.clock import SHANGHAI
from app.models.case import TransferCase
from app.models.org import Org
from handlers import HandlerContext


class HandlerError(Exception):
    """A handler cannot do its work; the message says why (it becomes an incident)."""


def case_of(ctx: HandlerContext) -> TransferCase:
    """The transfer case that the running instance belongs to."""
    case = ctx.session.scalar(select(TransferCase).where(
        TransferCase.instance_id == ctx.instance_id).with_for_update())
    if case is None:
        raise HandlerError(f"instance {ctx.instance_id} has no transfer case")
    return case


def org_by_code(ctx: HandlerContext, code: str) -> Org:
    """The organisation *code*, or HandlerError."""
    org = ctx.session.scalar(select(Org).where(Org.code == code))
    if org is None:
        raise HandlerError(f"no organisation with code {code!r}")
    return org


def local_today(ctx: HandlerContext) -> date:
    """The date of the step in Asia/Shanghai."""
    return ctx.now.astimezone(SHANGHAI).date()


def parse_day(value: object, field: str) -> date:
    """A YYYY-MM-DD date from task data."""
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise HandlerError(f"{field} is not a date: {value!r}") from exc


def start_of_day(day: date) -> datetime:
    """00:00 of *day* in Asia/Shanghai."""
    return datetime.combine(day, datetime.min.time(), SHANGHAI)
