"""archive/record: the archive checklist of a review, recorded per case and per round."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.models.case import ARCHIVE_ITEMS, ArchiveItem
from handlers import HandlerContext, register
from handlers.context import case_of


@register("archive/record")
def record(ctx: HandlerContext, params: dict[str, Any]) -> dict[str, Any]:
    """Record which archive documents the reviewer found (入党志愿书, 转正材料, 政审材料 …)."""
    case = case_of(ctx)
    rounds = ctx.session.scalar(select(func.max(ArchiveItem.round))
                                .where(ArchiveItem.case_id == case.id)) or 0
    present = set(ctx.data.get("items_present") or [])
    findings = ctx.data.get("findings")
    result = ctx.data.get("result", "pass")
    for item in ARCHIVE_ITEMS:
        ctx.session.add(ArchiveItem(case_id=case.id, round=rounds + 1, item=item,
                                    present=item in present,
                                    note=str(findings)[:2000] if findings else None,
                                    checked_by=ctx.actor, checked_at=ctx.now))
    return {"round": rounds + 1, "result": result,
            "missing": [ARCHIVE_ITEMS[i] for i in ARCHIVE_ITEMS if i not in present]}
