"""通知: the reminders addressed to the user's organisation, and the header's unread count."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.services.org_notifications import mark_read, notifications_page, unread_count
from app.web.support import clock, db, me, settings, writing

bp = Blueprint("notices", __name__, url_prefix="/notifications")


@bp.app_context_processor
def _unread() -> dict[str, Any]:
    """Every page's header shows the organisation's unread notifications."""
    if not current_user.is_authenticated:
        return {}
    return {"notice_count": unread_count(db(), me())}


@bp.get("")
@login_required  # type: ignore[misc]
def index() -> Any:
    """The organisation's notifications, unread first."""
    page_text = request.args.get("page", "1")
    page = notifications_page(db(), me(), int(page_text) if page_text.isdigit() else 1,
                              settings().page_size)
    return render_template("notices/index.html", page=page)


@bp.post("/read")
@login_required  # type: ignore[misc]
def read() -> Response:
    """Mark one notification (``id``) or all of them read."""
    ids = [int(v) for v in request.form.getlist("id") if v.isdigit()]
    with writing() as s:
        count = mark_read(s, me(), clock().now(), ids or None)
    flash(f"已将 {count} 条通知标为已读。" if count else "没有未读通知。", "success")
    return redirect(url_for("notices.index"))
