"""案件查询: the cases list with filters and export, the case detail with its diagram, and
the managers' actions on a case (suspend, resume, cancel, release, remind, retry).

Views parse the request, call one service and render; every check is in app.policy via
the services.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import login_required
from sqlalchemy.orm import Session

from app import policy
from app.errors import Conflict, InvalidData, NotAllowed
from app.models.case import CASE_KINDS, CASE_STATUSES, REFUSE_REASONS, SEND_BACK_REASONS
from app.models.user import User
from app.services import case_actions, case_query, exports
from app.services import cases as case_service
from app.services.case_filters import (
    DECISIONS,
    PER_PAGE,
    SORTS,
    STATUS_GROUPS,
    CaseFilter,
    parse_filter,
)
from app.services.case_view import case_view
from app.services.cases import get_case
from app.services.diagram_shapes import step_names
from app.services.task_view import require_withdraw
from app.web import CSP_STYLE_ATTRIBUTES
from app.web.filters import date_cn
from app.web.support import clock, db, me, settings, writing

bp = Blueprint("cases", __name__, url_prefix="/cases")



def _int_arg(name: str, default: int) -> int:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else default


@bp.get("")
@login_required  # type: ignore[misc]
def index() -> str:
    """The cases the user may see, filtered, sorted and paginated."""
    user, session = me(), db()
    f, errors = parse_filter(request.args)
    errors.update(case_query.unknown_orgs(session, f))
    now = clock().now()
    page = case_query.list_cases(session, user, f, now, _int_arg("page", 1),
                                 _int_arg("per_page", 50))
    return render_template(
        "cases/index.html", page=page, f=f, errors=errors, args=f.to_args(),
        kinds=CASE_KINDS, statuses={**STATUS_GROUPS, **CASE_STATUSES}, sorts=SORTS,
        per_page_choices=PER_PAGE, orgs=case_query.org_options(session, user),
        reasons={**SEND_BACK_REASONS, **REFUSE_REASONS}, decisions=DECISIONS,
        drill=_drill_terms(session, f), plain_args=_plain_args(f),
        may_full_id=policy.has(user, policy.Action.VIEW_FULL_ID))


_DRILL = ("step", "task_org", "task_under", "task_open", "late_from", "late_to", "done_from",
          "done_to", "decision", "reason", "deployment", "ended_from", "ended_to")


def _plain_args(f: CaseFilter) -> dict[str, str]:
    return {k: v for k, v in f.to_args().items() if k not in _DRILL}


def _period(start: Any, end: Any) -> str:
    return f"{date_cn(start) if start else '…'} 至 {date_cn(end) if end else '今'}"


def _drill_terms(session: Any, f: CaseFilter) -> list[str]:
    """The drill-down part of the filter, in words."""
    names = case_query.org_names(session, [f.task_org, f.task_under])
    reasons = {**SEND_BACK_REASONS, **REFUSE_REASONS}
    terms = []
    if f.step:
        terms.append("环节：" + step_names(session).get(f.step, f.step))
    if f.task_org:
        terms.append("办理党组织：" + names.get(f.task_org, f.task_org))
    if f.task_under:
        terms.append("办理党组织在：" + names.get(f.task_under, f.task_under) + "（含下级）")
    if f.task_open:
        terms.append("该环节正在办理")
    if f.late_from or f.late_to:
        terms.append("超期期间：" + _period(f.late_from, f.late_to))
    if f.done_from or f.done_to:
        terms.append("办结期间：" + _period(f.done_from, f.done_to))
    if f.decision:
        terms.append("办理结论：" + DECISIONS.get(f.decision, f.decision))
    if f.reason:
        terms.append("原因：" + reasons.get(f.reason, f.reason))
    if f.deployment:
        terms.append(f"流程版本：{f.deployment}")
    if f.ended_from or f.ended_to:
        terms.append("结束期间：" + _period(f.ended_from, f.ended_to))
    return terms


def _rows(engine: Any, user_id: int, f: CaseFilter, now: Any, full_id: bool) -> Iterator[Any]:
    """The export's rows, read in a session of their own: a streamed response outlives the
    request's session."""
    with Session(bind=engine) as session:
        user = session.get(User, user_id)
        assert user is not None
        yield from exports.case_rows(case_query.iter_cases(session, user, f, now), full_id)


def _export_response(fmt: str, full_id: bool) -> Response:
    user = me()
    policy.require(user, policy.Action.VIEW_CASES)  # refused now, not in the middle of a file
    f, _ = parse_filter(request.values)
    now = clock().now()
    rows = _rows(current_app.config["ENGINE"], user.id, f, now, full_id)
    stamp = now.strftime("%Y%m%d%H%M")
    if fmt == "csv":
        return Response(exports.csv_stream(rows), mimetype="text/csv; charset=utf-8", headers={
            "Content-Disposition": f"attachment; filename=cases-{stamp}.csv"})
    handle = exports.xlsx_file([("案件", rows)])
    return Response(exports.file_chunks(handle), mimetype=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        headers={"Content-Disposition": f"attachment; filename=cases-{stamp}.xlsx"})


@bp.get("/export.<fmt>")
@login_required  # type: ignore[misc]
def export(fmt: str) -> Response:
    """The filtered list as CSV or XLSX, 公民身份号码 masked."""
    if fmt not in exports.FORMATS:
        abort(404)
    return _export_response(fmt, full_id=False)


@bp.post("/export-full.<fmt>")
@login_required  # type: ignore[misc]
def export_full(fmt: str) -> Response:
    """The filtered list with full 公民身份号码: a permission and a reason, audited."""
    if fmt not in exports.FORMATS:
        abort(404)
    f, _ = parse_filter(request.form)
    try:
        with writing() as s:
            exports.allow_full_ids(s, me(), reason=request.form.get("export_reason", ""),
                                   what="cases", filters=f, fmt=fmt, now=clock().now())
    except InvalidData as exc:
        flash(str(exc), "error")
        return redirect(url_for("cases.index", **f.to_args()))  # type: ignore[return-value]
    return _export_response(fmt, full_id=True)


def _detail_page(case_id: int, full_id: str | None = None) -> Response:
    view = case_view(db(), me(), case_id, clock().now())
    diagrams = [d.to_json() for d in view.diagrams]
    response = Response(render_template("cases/detail.html", v=view, c=view.case,
                                        diagrams=diagrams, full_id=full_id))
    if diagrams:
        response.headers["Content-Security-Policy"] = CSP_STYLE_ATTRIBUTES
    return response


@bp.get("/<int:case_id>")
@login_required  # type: ignore[misc]
def detail(case_id: int) -> Response:
    """One case: summary, progress, diagram, timeline, incidents and the managers' actions."""
    return _detail_page(case_id)


def _act(case_id: int, do: Callable[[Any], Any], done: str) -> Any:
    try:
        with writing() as s:
            do(s)
    except (InvalidData, NotAllowed, Conflict) as exc:
        flash(f"未能办理：{exc}", "error")
    else:
        flash(done, "success")
    return redirect(url_for("cases.detail", case_id=case_id))


@bp.route("/<int:case_id>/withdraw", methods=["GET", "POST"])
@login_required  # type: ignore[misc]
def withdraw(case_id: int) -> Any:
    """撤销转接 from the case page: the initiator, before 落地, with a mandatory reason."""
    user = me()
    case = get_case(db(), case_id)
    require_withdraw(user, case)
    reason = (request.form.get("reason") or "").strip()
    if request.method == "GET" or not reason:
        error = "请写明撤销理由。" if request.method == "POST" else None
        return render_template("tasks/withdraw.html", case=case, error=error, reason=reason,
                               back_url=url_for("cases.detail", case_id=case.id)), \
            422 if error else 200
    with writing() as s:
        case_service.withdraw(s, settings(), clock(), case.id, user.username, reason)
    flash(f"案件 {case.number} 已撤销，党员组织关系不作变动。", "success")
    return redirect(url_for("cases.detail", case_id=case_id))


@bp.post("/<int:case_id>/<any(suspend, resume, cancel):action>")
@login_required  # type: ignore[misc]
def case_action(case_id: int, action: str) -> Any:
    """Suspend, resume or cancel the case with a reason."""
    fn = {"suspend": case_actions.suspend_case, "resume": case_actions.resume_case,
          "cancel": partial(case_actions.cancel_case,
                            confirmed=request.form.get("confirm") == "1")}[action]
    label = {"suspend": "已暂停办理", "resume": "已恢复办理", "cancel": "已取消案件"}[action]
    reason = request.form.get("reason", "")
    return _act(case_id, lambda s: fn(s, settings(), clock(), case_id, me().username, reason),
                label)


@bp.post("/<int:case_id>/tasks/<int:task_id>/<any(release, remind):action>")
@login_required  # type: ignore[misc]
def task_action(case_id: int, task_id: int, action: str) -> Any:
    """Release a claimed task or remind its organisation now, with a reason."""
    fn = case_actions.release_task if action == "release" else case_actions.remind_task
    label = "已释放认领" if action == "release" else "已发送催办"
    reason = request.form.get("reason", "")
    return _act(case_id, lambda s: fn(s, clock(), case_id, task_id, me().username, reason),
                label)


@bp.post("/<int:case_id>/retry")
@login_required  # type: ignore[misc]
def retry(case_id: int) -> Any:
    """Run the failed steps of the case again."""
    return _act(case_id, lambda s: case_actions.retry_case(s, settings(), clock(), case_id,
                                                           me().username), "已重试")


@bp.post("/<int:case_id>/reveal-id")
@login_required  # type: ignore[misc]
def reveal_id(case_id: int) -> Any:
    """The page once more with the member's full 公民身份号码 (permission, reason, audited);
    the number is only in this response, never in a cookie or a link."""
    try:
        with writing() as s:
            number = case_actions.reveal_id_number(s, clock(), case_id, me().username,
                                                   request.form.get("reason", ""))
    except (InvalidData, NotAllowed) as exc:
        flash(f"未能显示：{exc}", "error")
        return redirect(url_for("cases.detail", case_id=case_id))
    return _detail_page(case_id, full_id=number)
