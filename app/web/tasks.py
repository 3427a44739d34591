"""The task page (/tasks/<id>): the case in brief, the route, the form and the step's actions.

Refusing and closing a case are irreversible: the first submit shows a confirmation with the
data and asks for a written reason; only the second submit completes the task. Withdrawing
(the initiator, before the member's record lands) goes through the same kind of page.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from app.engine.forms import validate_form
from app.errors import Conflict, InvalidData, NotAllowed
from app.services import cases, tasks
from app.services.progress import DECISION_LABELS
from app.services.task_view import (
    TaskView,
    case_of_task,
    load_task,
    require_withdraw,
    task_view,
)
from app.web.schema_form import (
    BUTTON_STYLES,
    CONFIRM_DECISIONS,
    build_form,
    confirmation_errors,
    hidden_pairs,
    parse_form,
)
from app.web.support import clock, db, me, settings, writing

bp = Blueprint("tasks", __name__, url_prefix="/tasks")


def _page(view: TaskView, values: dict[str, Any], errors: dict[str, str] | None = None,
          status: int = 200, message: str | None = None) -> tuple[str, int]:
    form = build_form(view.schema, values, errors)
    shown = view.submitted if view.task.status != "open" else {}
    return render_template("tasks/task.html", view=view, form=form, errors=errors or {},
                           message=message, button_styles=BUTTON_STYLES,
                           confirm_decisions=CONFIRM_DECISIONS,
                           decision_labels=DECISION_LABELS,
                           shown=build_form(view.schema, shown) if shown else None), status


@bp.get("/<int:task_id>")
@login_required  # type: ignore[misc]
def show(task_id: int) -> Any:
    """The task page; a completed task shows read-only with who and when."""
    view = task_view(db(), me(), task_id, clock().now())
    return _page(view, view.defaults)


def _confirm(view: TaskView, data: dict[str, Any]) -> tuple[str, int]:
    form = build_form(view.schema, data)
    return render_template("tasks/confirm.html", view=view, form=form, data=data,
                           hidden=hidden_pairs(data)), 200


@bp.post("/<int:task_id>")
@login_required  # type: ignore[misc]
def submit(task_id: int) -> Any:
    """Complete the task with the submitted form (after a confirmation when irreversible)."""
    user = me()
    view = task_view(db(), user, task_id, clock().now())
    data = parse_form(view.schema, request.form)
    if view.task.status != "open":
        flash("此任务已办结，不能再次提交。", "error")
        return redirect(url_for("tasks.show", task_id=task_id))
    if "back" in request.form:
        return _page(view, data)
    if data.get("decision") in CONFIRM_DECISIONS:
        confirmed = request.form.get("confirmed") == "1"
        errors = confirmation_errors(data)
        if not confirmed:  # once confirmed, the engine checks the schema as it completes
            try:
                validate_form(view.schema, data)
            except InvalidData as exc:
                errors = {**exc.fields, **errors}
        if errors:
            return _page(view, data, errors, 422, "请更正标出的字段后再提交。")
        if not confirmed:
            return _confirm(view, data)
    try:
        with writing() as s:
            done = tasks.complete_task(s, settings(), clock(), task_id, user.username, data)
            title = done.title
    except InvalidData as exc:
        return _page(view, data, exc.fields, 422, "请更正标出的字段后再提交。")
    except (Conflict, NotAllowed) as exc:
        flash(f"未能办理：{exc}", "error")
        return redirect(url_for("tasks.show", task_id=task_id))
    flash(f"已办理：{title}。", "success")
    return redirect(url_for("inbox.index"))


@bp.route("/<int:task_id>/withdraw", methods=["GET", "POST"])
@login_required  # type: ignore[misc]
def withdraw(task_id: int) -> Any:
    """撤销转接: a confirmation page with a mandatory reason, then the case ends."""
    user = me()
    task = load_task(db(), user, task_id)
    case = case_of_task(db(), task)
    require_withdraw(user, case)
    reason = (request.form.get("reason") or "").strip()
    if request.method == "GET" or not reason:
        error = "请写明撤销理由。" if request.method == "POST" else None
        return render_template("tasks/withdraw.html", case=case, error=error, reason=reason,
                               back_url=url_for("tasks.show", task_id=task.id)), \
            422 if error else 200
    with writing() as s:
        cases.withdraw(s, settings(), clock(), case.id, user.username, reason)
    flash(f"案件 {case.number} 已撤销，党员组织关系不作变动。", "success")
    return redirect(url_for("inbox.index"))

