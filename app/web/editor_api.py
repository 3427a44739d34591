"""The editor's JSON endpoints (same blueprint and guard as :mod:`app.web.editor`):
load a version or draft, save a draft, check, deploy, preview a form.

Refusals come back as JSON with status 422 and Chinese messages; problems carry the
element id so that the editor can mark and select the element.
"""

from __future__ import annotations

import json
from typing import Any

from flask import jsonify, render_template, request
from werkzeug.wrappers import Response

from app.engine.problems import Problem
from app.errors import InvalidData, NotAllowed, NotFound
from app.services import diagrams, versions
from app.web import editor_text
from app.web.editor import bp
from app.web.form_preview import preview_fields, schema_errors
from app.web.support import clock, db, me, settings, writing


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidData("请求数据格式不正确", {"_": "应为 JSON 对象"})
    return data


def _problem(p: Problem) -> dict[str, Any]:
    return {**p.to_json(), "message_cn": editor_text.problem_cn(p.message)}


def _refused(exc: InvalidData, problems: list[Problem] | None = None) -> tuple[Response, int]:
    return jsonify({"ok": False, "message": str(exc), "fields": exc.fields,
                    "problems": [_problem(p) for p in problems or []]}), 422


def _id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@bp.get("/api/source")
def source() -> Response:
    """The XML and forms of a version (?version=ID) or a draft (?draft=ID)."""
    session = db()
    arg = request.args
    out: dict[str, Any] = {"known_forms": diagrams.known_forms(session)}
    if arg.get("draft", "").isdigit():
        draft = diagrams.get_draft(session, int(arg["draft"]))
        out.update(xml=draft.bpmn_xml, forms=json.loads(draft.forms_json), draft_id=draft.id,
                   base_deployment_id=draft.base_deployment_id, file_name=draft.file_name,
                   process_id=draft.process_id, name=draft.name)
    elif arg.get("version", "").isdigit():
        dep = versions.get_version(session, int(arg["version"]))
        out.update(xml=dep.bpmn_xml, forms=versions.version_forms(dep), draft_id=None,
                   base_deployment_id=dep.id, file_name=dep.file_name,
                   process_id=dep.process_id, name=dep.name)
    else:
        raise NotFound("请选择要编辑的版本或草稿")
    return jsonify(out)


def _save(data: dict[str, Any]) -> int:
    xml = data.get("xml")
    if not isinstance(xml, str):
        raise InvalidData("缺少流程图", {"xml": "必填"})
    with writing() as session:
        draft = diagrams.save_draft(
            session, settings(), xml=xml, forms=data.get("forms") or {},
            author=me().username, now=clock().now(), draft_id=_id(data.get("draft_id")),
            base_deployment_id=_id(data.get("base_deployment_id")),
            file_name=data.get("file_name") if isinstance(data.get("file_name"), str) else None)
        return draft.id


@bp.post("/api/drafts")
def save() -> Any:
    """Save the editor's content as a draft (new or the given one)."""
    try:
        draft_id = _save(_body())
    except InvalidData as exc:
        return _refused(exc)
    return jsonify({"ok": True, "draft_id": draft_id})


@bp.post("/api/check")
def check() -> Any:
    """The engine's validation and lint of the editor's content (nothing is saved)."""
    data = _body()
    forms = data.get("forms") or {}
    if not isinstance(data.get("xml"), str) or not isinstance(forms, dict):
        return _refused(InvalidData("请求数据格式不正确", {"xml": "必填"}))
    name = data.get("file_name") if isinstance(data.get("file_name"), str) else None
    result = diagrams.check_draft(db(), settings(), clock(), data["xml"], forms,
                                  name or "diagram.bpmn")
    return jsonify({"ok": result.ok, "process_id": result.process_id,
                    "problems": [_problem(p) for p in result.problems],
                    "changes": [{"process_id": pid, "name": name, "from_version": v}
                                for pid, (name, v) in sorted(result.changes.items())]})


@bp.post("/api/deploy")
def deploy() -> Any:
    """Save the content as a draft, then deploy it with the change note (server-checked)."""
    data = _body()
    try:
        draft_id = _save(data)
        with writing() as session:
            results = diagrams.deploy_draft(session, settings(), clock(), draft_id,
                                            me().username, str(data.get("note") or ""))
            names = {p.process_id: p.name for p in versions.process_list(session)}
    except diagrams.DraftRefused as exc:
        return _refused(exc, exc.problems)
    except InvalidData as exc:
        return _refused(exc)
    return jsonify({"ok": True, "draft_id": draft_id, "results": [
        {**r.to_json(), "name": names.get(r.process_id, r.process_id)} for r in results]})


@bp.post("/api/form-preview")
def form_preview() -> Any:
    """Check a form schema (Draft 2020-12) and render its preview."""
    schema = _body().get("schema")
    errors = schema_errors(schema)
    html = "" if errors else render_template("editor/_form_preview.html",
                                             schema=schema, fields=preview_fields(schema))
    return jsonify({"ok": not errors, "errors": errors, "html": html})


@bp.post("/api/migrate")
def migrate_api() -> Any:
    """Move one batch of chosen cases (the migration page sends batches for its progress)."""
    from app.services.version_migration import migrate_cases

    data = _body()
    ids = data.get("instances")
    if _id(data.get("from")) is None or _id(data.get("to")) is None or not isinstance(ids, list):
        return _refused(InvalidData("请求数据格式不正确", {"_": "from, to, instances"}))
    try:
        with writing() as session:
            outcome = migrate_cases(session, settings(), clock(), data["from"], data["to"],
                                    [i for i in ids if _id(i) is not None], me().username,
                                    str(data.get("reason") or ""))
    except InvalidData as exc:
        return _refused(exc)
    except NotAllowed as exc:
        return jsonify({"ok": False, "message": str(exc)}), 409
    return jsonify({"ok": True, "moved": outcome.moved, "skipped": {
        str(k): [editor_text.finding_cn(f) for f in v] for k, v in outcome.skipped.items()}})
