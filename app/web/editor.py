"""流程设计 (policy staff, Art. 17): processes and their versions, the diagram editor,
uploads, downloads, the diff of two versions and the migration of running cases.

Pages are server-rendered and useful without scripts (lists, history, diff list, dry run,
migration form); the editor canvas and the diagrams of the diff need bpmn-js. The JSON
endpoints of the editor live in :mod:`app.web.editor_api` on the same blueprint.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

import handlers
from app import policy
from app.errors import InvalidData, NotFound
from app.services import diagrams, versions
from app.services.version_migration import (
    PLAN_PAGE,
    migrate_cases,
    migration_plan,
    running_count,
)
from app.web import CSP_STYLE_ATTRIBUTES, editor_text
from app.web.support import clock, db, me, settings, writing

bp = Blueprint("editor", __name__, url_prefix="/editor")



@bp.before_request
def _guard() -> Any:
    """Signed-in policy staff only."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    policy.require(me(), policy.Action.EDIT_DIAGRAMS)
    return None


@bp.after_request
def _csp(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP_STYLE_ATTRIBUTES
    return response


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@bp.get("/")
def index() -> str:
    """The processes, their newest versions and running cases, the open drafts, upload."""
    session = db()
    return render_template("editor/index.html", processes=versions.process_list(session),
                           drafts=diagrams.list_drafts(session))


@bp.get("/process/<process_id>")
def process(process_id: str) -> str:
    """The version history of one process, with compare and migrate forms."""
    session = db()
    rows = versions.version_list(session, process_id)
    return render_template("editor/process.html", process_id=process_id, rows=rows,
                           drafts=diagrams.list_drafts(session, process_id))


@bp.get("/version/<int:deployment_id>.bpmn")
def download(deployment_id: int) -> Response:
    """A version's BPMN source as a file."""
    dep = versions.get_version(db(), deployment_id)
    name = f"{dep.process_id}-v{dep.version}.bpmn"
    return Response(dep.bpmn_xml, mimetype="application/xml",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/draft/<int:draft_id>.bpmn")
def download_draft(draft_id: int) -> Response:
    """A draft's BPMN source as a file."""
    draft = diagrams.get_draft(db(), draft_id)
    return Response(draft.bpmn_xml, mimetype="application/xml", headers={
        "Content-Disposition": f'attachment; filename="{draft.process_id}-draft{draft.id}.bpmn"'})


@bp.get("/edit")
def edit() -> str:
    """The modeler on a version (?version=ID) or a draft (?draft=ID)."""
    session = db()
    version_id, draft_id = _int_arg("version"), _int_arg("draft")
    if draft_id is not None:
        draft = diagrams.get_draft(session, draft_id)
        title, process_id = f"草稿 #{draft.id}：{draft.name}", draft.process_id
    elif version_id is not None:
        dep = versions.get_version(session, version_id)
        title, process_id = f"{dep.name} 第 {dep.version} 版", dep.process_id
    else:
        raise NotFound("请选择要编辑的版本或草稿")
    return render_template(
        "editor/edit.html", title=title, process_id=process_id, version_id=version_id,
        draft_id=draft_id, roles=editor_text.ROLES, stages=editor_text.STAGES,
        operators=sorted(handlers.operators()),
        processes={p.process_id: p.name for p in versions.process_list(session)})


@bp.post("/upload")
def upload() -> Any:
    """A .bpmn file drawn in another modeler becomes a draft (hostile files refused)."""
    file = request.files.get("file")
    if file is None or not file.filename:
        flash("请选择要上传的 .bpmn 文件。", "error")
        return redirect(url_for("editor.index"))
    data = file.read(settings().max_bpmn_bytes + 1)
    try:
        with writing() as session:
            draft = diagrams.upload_draft(session, settings(), data, file.filename,
                                          me().username, clock().now())
            draft_id = draft.id
    except InvalidData as exc:
        reasons = "；".join(editor_text.problem_cn(m) for m in exc.fields.values())
        flash(f"文件被拒绝：{reasons}", "error")
        return redirect(url_for("editor.index"))
    flash("文件已上传为草稿，请检查后部署。", "success")
    return redirect(url_for("editor.edit", draft=draft_id))


@bp.get("/diff")
def diff() -> str:
    """Two versions side by side, with the changed elements listed and marked."""
    old_id, new_id = _int_arg("old"), _int_arg("new")
    if old_id is None or new_id is None:
        raise NotFound("请选择要比较的两个版本")
    result = versions.diff_versions(db(), old_id, new_id)
    return render_template("editor/diff.html", d=result, text=editor_text)


def _plan_context(from_id: int, to_id: int) -> dict[str, Any]:
    session = db()
    source, target = versions.get_version(session, from_id), versions.get_version(session,
                                                                                   to_id)
    total = running_count(session, source.id)
    pages = max(1, -(-total // PLAN_PAGE))
    page = min(max(_int_arg("page") or 1, 1), pages)
    plans = migration_plan(session, from_id, to_id, (page - 1) * PLAN_PAGE)
    return {"source": source, "target": target, "plans": plans, "text": editor_text,
            "movable": sum(1 for p in plans if p.check.movable), "total": total,
            "page": page, "pages": pages}


@bp.get("/migrate")
def migrate() -> str:
    """The dry run: which running cases of a version can move to another, and why not."""
    from_id, to_id = _int_arg("from"), _int_arg("to")
    if from_id is None or to_id is None:
        raise NotFound("请选择源版本和目标版本")
    moved, skipped = _int_arg("moved"), _int_arg("skipped")
    done = None
    if moved is not None:  # where the page's script lands after moving in batches
        done = f"已迁移 {moved} 件案件" + (f"，{skipped} 件未迁移" if skipped else "") + "。"
    return render_template("editor/migrate.html", **_plan_context(from_id, to_id), done=done)


@bp.post("/migrate")
def migrate_post() -> Any:
    """Move the chosen cases (each checked again), then show what happened."""
    from_id, to_id = _int_arg("from"), _int_arg("to")
    if from_id is None or to_id is None:
        raise NotFound("请选择源版本和目标版本")
    chosen = [int(v) for v in request.form.getlist("instance") if v.isdigit()]
    reason = request.form.get("reason", "")
    try:
        with writing() as session:
            outcome = migrate_cases(session, settings(), clock(), from_id, to_id, chosen,
                                    me().username, reason)
    except InvalidData as exc:
        context = _plan_context(from_id, to_id)
        return render_template("editor/migrate.html", **context, error=str(exc),
                               reason=reason, chosen=set(chosen)), 422
    flash(f"已迁移 {len(outcome.moved)} 件案件" + (
        f"，{len(outcome.skipped)} 件未迁移（见下表原因）" if outcome.skipped else "") + "。",
        "success" if not outcome.skipped else "error")
    return redirect(url_for("editor.migrate", **{"from": from_id, "to": to_id}))


from app.web import editor_api  # noqa: E402,F401  (registers the JSON endpoints on bp)
