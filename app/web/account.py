"""The user's own account: personal API tokens (create with a name and expiry — the secret is
shown once —, list, revoke). Reached from the header's "API 令牌" link."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from app.errors import InvalidData
from app.services import tokens
from app.web.support import clock, db, me, settings, writing

bp = Blueprint("account", __name__, url_prefix="/account")

EXPIRY_CHOICES = (30, 90, 180, 365)


def _page(status: int = 200, rows: list[Any] | None = None,
          **context: Any) -> tuple[str, int]:
    if rows is None:
        rows = tokens.list_tokens(db(), me())
    now = clock().now()
    return render_template("account/tokens.html", tokens=rows, now=now,
                           state=lambda row: tokens.token_state(row, now),
                           choices=[d for d in EXPIRY_CHOICES
                                    if d <= settings().api_token_max_days],
                           **context), status


@bp.get("/tokens")
@login_required  # type: ignore[untyped-decorator]
def token_list() -> Any:
    """The user's tokens and the form to create one."""
    return _page()


@bp.post("/tokens")
@login_required  # type: ignore[untyped-decorator]
def token_create() -> Any:
    """Create a token; the page shows its secret this once."""
    name = request.form.get("name", "")
    raw_days = request.form.get("days", "")
    days = int(raw_days) if raw_days.isdigit() and len(raw_days) < 6 else 0
    try:
        with writing() as s:
            created = tokens.create_token(s, me(), name, days, clock().now(),
                                          settings().api_token_max_days)
            # listed in the writing session: the request's read session predates the token
            rows = tokens.list_tokens(s, me())
    except InvalidData as exc:
        return _page(422, errors=exc.fields, name=name)
    return _page(201, rows=rows, secret=created.secret, created=created.token)


@bp.post("/tokens/<int:token_id>/revoke")
@login_required  # type: ignore[untyped-decorator]
def token_revoke(token_id: int) -> Any:
    """Revoke one of the user's tokens."""
    with writing() as s:
        row = tokens.revoke_token(s, me(), token_id, clock().now())
    flash(f"令牌“{row.name}”已撤销。", "success")
    return redirect(url_for("account.token_list"))
