"""case/close and case/reported: the outcome of a case as the diagram decides it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from app.models.case import CASE_STATUSES, FINAL_STATUSES, OrgLock
from handlers import HandlerContext, register
from handlers.context import HandlerError, case_of, parse_day, start_of_day


@register("case/close")
def close_case(ctx: HandlerContext, params: dict[str, Any]) -> dict[str, Any]:
    """End the case with a final status; a whole-unit lock of the case is released."""
    status = str(params.get("status", ""))
    if status not in FINAL_STATUSES:
        raise HandlerError(f"case/close: {status!r} is not a final status")
    case = case_of(ctx)
    case.status, case.outcome, case.ended_at = status, status, ctx.now
    note = ctx.data.get("handling") or ctx.data.get("comment")
    if note:
        case.outcome_note = str(note)[:2000]
    ctx.session.execute(delete(OrgLock).where(OrgLock.case_id == case.id))
    return {"status": status, "label": CASE_STATUSES[status]}


@register("case/reported")
def record_report(ctx: HandlerContext, params: dict[str, Any]) -> dict[str, Any]:
    """Record the member's report (Art. 15), or that organisational handling was decided."""
    case = case_of(ctx)
    if params.get("handled"):
        case.outcome_note = f"组织处理：{ctx.data.get('decision', '')}"[:2000]
        return {"handled": True}
    day = parse_day(ctx.data.get("reported_on"), "reported_on")
    case.reported_at = start_of_day(day)
    return {"reported_on": day.isoformat()}
