"""The inbox (待办): open tasks by due time, 即将到期, 已超期, 未办结 (Art. 11) and 已办."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, render_template, request
from flask_login import login_required

from app import policy
from app.models.case import FINAL_STATUSES
from app.services.inbox import TABS, due_day, inbox
from app.services.progress import DECISION_LABELS
from app.web.filters import date_cn
from app.web.support import clock, db, me, settings

bp = Blueprint("inbox", __name__, url_prefix="/inbox")


@bp.app_template_filter("due_date_cn")
def due_date_cn(value: datetime | None) -> str:
    """The last day of a deadline (deadlines end at 00:00 of the next day): 2026年3月9日."""
    return date_cn(due_day(value)) if value else ""


def _page_number(text: str | None) -> int:
    return int(text) if text and text.isdigit() else 1


@bp.app_template_global("status_badge")
def status_badge(status: str) -> str:
    """The badge colour of a case status: done green, sent back orange, ended grey, else blue."""
    if status == "completed":
        return "done"
    if status in ("sent_back", "archive_verifying"):
        return "back"
    return "waiting" if status in FINAL_STATUSES else "progress"


@bp.get("")
@login_required  # type: ignore[misc]
def index() -> Any:
    """One page of one tab, with the search by member name or case number."""
    user = me()
    policy.require(user, policy.Action.VIEW_INBOX)
    page = inbox(db(), user, clock().now(), tab=request.args.get("tab", "todo"),
                 query=request.args.get("q", ""), page=_page_number(request.args.get("page")),
                 page_size=settings().page_size)
    return render_template("inbox/index.html", page=page, tabs=TABS,
                           decision_labels=DECISION_LABELS)
