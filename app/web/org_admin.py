"""组织机构 (policy staff edit, administrators look): browse and search the tree, show an
organisation with the facts routing uses, load a tree file, add, rename, set flags, move.

All writes go through app.services.org_admin (the loader's checks, audit); the page only
parses the form and shows what the service says.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import policy
from app.errors import InvalidData, NotAllowed, NotFound
from app.org.loader import TreeFileError
from app.org.tree import KIND_NAMES, KINDS
from app.services import org_admin
from app.services.orgs import org_info
from app.web.support import clock, db, me, writing

bp = Blueprint("org_admin", __name__, url_prefix="/orgs")
MAX_UPLOAD = 50_000_000
LEVELS = {"province": "省级", "city": "市级", "county": "县级"}


@bp.before_request
def _guard() -> Any:
    """Policy staff and administrators may look; only policy staff may change."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    policy.require(me(), policy.Action.ADMIN_ORGS)
    if request.method == "POST":  # refused before a form or a file is read
        policy.require(me(), policy.Action.EDIT_ORGS)
    return None


def _page(code: str | None, status: int = 200, **extra: Any) -> tuple[str, int]:
    session = db()
    query = request.args.get("q", "").strip()
    info = chain = None
    if code:
        try:
            info = org_info(session, code)
        except Exception as exc:  # an unknown code: the directory's own refusal
            raise NotFound(f"没有编码为 {code} 的党组织") from exc
        chain = org_admin.chain_of(session, code)
    context = {
        "code": code, "info": info, "chain": chain or [], "query": query,
        "results": org_admin.search(session, query) if query else None,
        "children": org_admin.children_of(session, code),
        "kinds": {k: KIND_NAMES[k] for k in KINDS}, "levels": LEVELS,
        "may_edit": policy.has(me(), policy.Action.EDIT_ORGS),
    }
    context.update(extra)
    return render_template("org_admin/index.html", **context), status


@bp.get("/")
def index() -> Any:
    """The tree from the top (or ?code=X: that organisation), or search results (?q=)."""
    code = request.args.get("code") or None
    return _page(code)


def _flag(name: str) -> bool:
    return request.form.get(name) in ("1", "on", "true")


def _after(code: str, message: str) -> Any:
    flash(message, "success")
    return redirect(url_for("org_admin.index", code=code))


@bp.post("/<code>/update")
def update(code: str) -> Any:
    """Rename an organisation and set its authority flags."""
    try:
        with writing() as session:
            org_admin.update_org(session, code, name=request.form.get("name", ""),
                                 nationwide=_flag("nationwide"),
                                 approves_members=_flag("approves_members"),
                                 username=me().username, now=clock().now())
    except InvalidData as exc:
        return _page(code, 422, update_error=str(exc))
    return _after(code, "已保存。")


@bp.post("/<code>/children")
def add_child(code: str) -> Any:
    """Add an organisation under *code*."""
    form = request.form
    try:
        with writing() as session:
            org = org_admin.add_org(session, parent_code=code, code=form.get("code", ""),
                                    name=form.get("name", ""), kind=form.get("kind", ""),
                                    nationwide=_flag("nationwide"),
                                    approves_members=_flag("approves_members"),
                                    username=me().username, now=clock().now())
            new_code = org.code
    except InvalidData as exc:
        return _page(code, 422, add_errors=exc.fields, add_form=form)
    return _after(new_code, f"已新增党组织 {new_code}。")


@bp.post("/<code>/active")
def set_active(code: str) -> Any:
    """Deactivate or reactivate an organisation (never deleted), with a reason."""
    active = request.form.get("active") == "1"
    try:
        with writing() as session:
            org_admin.set_active(session, code, active, username=me().username,
                                 now=clock().now(), reason=request.form.get("reason", ""))
    except (InvalidData, NotAllowed, NotFound) as exc:
        return _page(code, 422, active_error=str(exc))
    return _after(code, "已启用该党组织。" if active else "已停用该党组织。")


@bp.post("/upload")
def upload() -> Any:
    """Load a tree file: all or nothing, every error listed."""
    file = request.files.get("file")
    if file is None or not file.filename:
        return _page(None, 422, upload_errors=["请选择组织机构文件（YAML）"])
    data = file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        return _page(None, 422, upload_errors=["文件过大"])
    try:
        with writing() as session:
            summary = org_admin.upload_tree(session, data, file.filename,
                                            username=me().username, now=clock().now())
    except TreeFileError as exc:
        return _page(None, 422, upload_errors=exc.errors)
    orgs, members = summary.to_json()["orgs"], summary.members
    flash(f"已导入：党组织新增 {orgs['created']} 个、更新 {orgs['updated']} 个、未变 "
          f"{orgs['unchanged']} 个（文件外保留 {orgs['kept']} 个）；党员新增 {members.created} 名、"
          f"更新 {members.updated} 名。", "success")
    return redirect(url_for("org_admin.index"))
