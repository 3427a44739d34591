"""The public progress lookup for members (/progress): no sign-in, rate-limited."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from app.services import member_lookup, throttle
from app.web.support import client_ip, clock, settings, writing

bp = Blueprint("member_progress", __name__)
NOT_FOUND = "未查询到相符的转接记录，请核对案件编号和公民身份号码后 6 位。"


@bp.route("/progress", methods=["GET", "POST"])
def lookup() -> Any:
    """The form, and the answer to it."""
    if request.method == "GET":
        return render_template("progress/lookup.html")
    number = request.form.get("number", "")[:40]
    tail = request.form.get("id_tail", "")[:20]
    if not number.strip() or len(tail.strip()) != 6:
        return render_template("progress/lookup.html", number=number,
                               error="请填写案件编号和公民身份号码后 6 位。"), 422
    with writing() as s:
        result = member_lookup.lookup(s, settings(), number, tail, client_ip(), clock().now())
    if result.wait:
        return render_template(
            "progress/lookup.html", number=number,
            error=f"查询过于频繁，请于 {throttle.minutes_text(result.wait)}后再试。"), 429
    if not result.found:
        return render_template("progress/lookup.html", number=number, error=NOT_FOUND), 404
    return render_template("progress/lookup.html", number=number, progress=result.progress)
