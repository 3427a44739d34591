"""The diagram editor's use cases: drafts, check before deploy, deploy a draft.

A draft is checked and deployed together with the newest version of every other process,
as ``make run`` deploys the files of bpmn/: call activities resolve against them, and a
process that calls the edited one gets a new version too (its spec embeds the specs it
calls, so without that new cases would keep running the old subprocess). Forms are shared
by name: the forms of the newest versions, overlaid by the draft's own.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import Settings
from app.engine.bpmn_xml import NSMAP, parse_bpmn_bytes
from app.engine.clock import Clock
from app.engine.deployments import DeployResult, content_hash, newest, store
from app.engine.parsing import ParsedProcess
from app.engine.problems import BpmnRefused, Problem
from app.engine.serializer import dump_specs
from app.errors import InvalidData, NotFound
from app.models.diagram import DiagramDraft
from app.models.engine import Deployment
from app.services import workflow

FORM_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
FILE_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,150}\.bpmn$")
MAX_NOTE = 2000


@dataclass
class CheckResult:
    """The outcome of checking a draft: problems, or what a deploy would create."""

    process_id: str | None
    problems: list[Problem] = field(default_factory=list)
    # process id → (name, current newest version or 0) of every process a deploy changes
    changes: dict[str, tuple[str, int]] = field(default_factory=dict)
    processes: list[ParsedProcess] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the draft may be deployed."""
        return not self.problems


def newest_versions(session: Session) -> list[Deployment]:
    """The newest version of every deployed process, by process id."""
    ids = session.scalars(select(Deployment.process_id).distinct()).all()
    found = [newest(session, pid) for pid in sorted(ids)]
    return [d for d in found if d is not None]


def known_forms(session: Session) -> dict[str, Any]:
    """Every form of the newest versions (a newer deployment wins a shared name)."""
    forms: dict[str, Any] = {}
    for dep in sorted(newest_versions(session), key=lambda d: d.id):
        forms.update(json.loads(dep.forms_json or "{}"))
    return dict(sorted(forms.items()))


def draft_process(xml: str, file_name: str, max_bytes: int) -> tuple[str, str]:
    """The id and name of the one executable process of *xml*; BpmnRefused otherwise."""
    tree = parse_bpmn_bytes(xml.encode("utf-8"), file_name, max_bytes)
    procs = [p for p in tree.getroot().iterfind("bpmn:process", NSMAP)
             if p.get("isExecutable", "false") == "true"]
    if len(procs) != 1:
        raise BpmnRefused([Problem(file_name, None, None,
                                   f"a draft holds exactly one executable process, "
                                   f"not {len(procs)}")])
    pid = procs[0].get("id") or ""
    return pid, procs[0].get("name") or pid


def _form_problems(forms: dict[str, Any]) -> list[Problem]:
    problems = []
    for name, schema in forms.items():
        file = f"forms/{name}.schema.json"
        if not FORM_NAME.match(name):
            problems.append(Problem(file, None, None, "form names are lower-case letters, "
                                    "digits and '_', starting with a letter"))
            continue
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            problems.append(Problem(file, None, None, f"invalid form schema: {exc.message}"))
            continue
        if not isinstance(schema, dict) or schema.get("type") != "object":
            problems.append(Problem(file, None, None, "a form schema is an object schema "
                                    "(\"type\": \"object\") with properties"))
    return problems


def _bundle(session: Session, process_id: str, file_name: str,
            xml: str) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    seen: set[str] = set()
    for dep in newest_versions(session):
        if dep.process_id == process_id or dep.bpmn_xml in seen:
            continue
        seen.add(dep.bpmn_xml)
        files[f"{dep.process_id}.bpmn"] = dep.bpmn_xml.encode("utf-8")
    key = file_name if file_name not in files else f"draft-{file_name}"
    files[key] = xml.encode("utf-8")
    return files


def _changes(session: Session, processes: list[ParsedProcess]) -> dict[str, tuple[str, int]]:
    changes = {}
    for proc in processes:
        forms_json = json.dumps(proc.forms, ensure_ascii=False)
        digest = content_hash(dump_specs(proc.spec, proc.subprocess_specs), proc.xml,
                              forms_json)
        current = newest(session, proc.process_id)
        if current is None or current.content_hash != digest:
            changes[proc.process_id] = (proc.name, current.version if current else 0)
    return changes


def check_draft(session: Session, settings: Settings, clock: Clock, xml: str,
                forms: dict[str, Any], file_name: str = "diagram.bpmn") -> CheckResult:
    """Validate and lint *xml* with *forms* together with the other processes."""
    try:
        pid, _name = draft_process(xml, file_name, settings.max_bpmn_bytes)
    except BpmnRefused as exc:
        return CheckResult(None, exc.problems)
    result = CheckResult(pid, _form_problems(forms))
    if result.problems:
        return result
    all_forms = {**known_forms(session), **forms}
    try:
        result.processes = workflow.check(session, settings, clock,
                                          _bundle(session, pid, file_name, xml), all_forms)
    except BpmnRefused as exc:
        result.problems = exc.problems
        return result
    result.changes = _changes(session, result.processes)
    return result


def _checked_forms(forms: Any) -> dict[str, Any]:
    if not isinstance(forms, dict) or not all(isinstance(v, dict) for v in forms.values()):
        raise InvalidData("表单数据格式不正确", {"forms": "表单应为“名称 → JSON Schema 对象”"})
    return dict(forms)


def _file_name(name: str | None, process_id: str) -> str:
    if name and FILE_NAME.match(name):
        return name
    return f"{process_id}.bpmn" if FILE_NAME.match(f"{process_id}.bpmn") else "diagram.bpmn"


def save_draft(session: Session, settings: Settings, *, xml: str, forms: Any, author: str,
               now: datetime, draft_id: int | None = None,
               base_deployment_id: int | None = None,
               file_name: str | None = None) -> DiagramDraft:
    """Create or update a draft; the XML must be a readable BPMN document with one
    executable process (lint problems are allowed in a draft, not in a deploy)."""
    checked = _checked_forms(forms)
    try:
        pid, name = draft_process(xml, file_name or "diagram.bpmn", settings.max_bpmn_bytes)
    except BpmnRefused as exc:
        raise InvalidData("流程图无法保存：" + "；".join(p.message for p in exc.problems),
                          {"xml": str(exc)}) from exc
    draft = get_draft(session, draft_id) if draft_id is not None else None
    if draft is not None and draft.deployed_as is not None:
        # a deployed draft is the record of what was deployed: edits start a new draft
        base_deployment_id, file_name, draft = draft.deployed_as, draft.file_name, None
    if draft is None:
        base = session.get(Deployment, base_deployment_id) if base_deployment_id else None
        draft = DiagramDraft(created_at=now, base_deployment_id=base.id if base else None,
                             file_name=_file_name(file_name or (base.file_name if base
                                                                else None), pid))
        session.add(draft)
    draft.process_id, draft.name, draft.bpmn_xml = pid, name[:200], xml
    draft.forms_json = json.dumps(checked, ensure_ascii=False)
    draft.author, draft.updated_at = author, now
    session.flush()
    return draft


def get_draft(session: Session, draft_id: int) -> DiagramDraft:
    """One draft or NotFound."""
    draft = session.get(DiagramDraft, draft_id)
    if draft is None:
        raise NotFound(f"草稿 {draft_id} 不存在")
    return draft


def list_drafts(session: Session, process_id: str | None = None) -> list[DiagramDraft]:
    """Drafts not yet deployed, newest first."""
    query = select(DiagramDraft).where(DiagramDraft.deployed_as.is_(None))
    if process_id is not None:
        query = query.where(DiagramDraft.process_id == process_id)
    return list(session.scalars(query.order_by(DiagramDraft.updated_at.desc(),
                                               DiagramDraft.id.desc())))


def deploy_draft(session: Session, settings: Settings, clock: Clock, draft_id: int,
                 actor: str, note: str) -> list[DeployResult]:
    """Check the draft and store it (and every process it changes) as new versions.

    Refused with InvalidData when the note is missing or the check finds problems; the
    deploy is audited on the system chain (who, when, the note) by the engine's store.
    """
    reason = (note or "").strip()
    if not reason:
        raise InvalidData("请填写变更说明（为什么修改）", {"note": "必填"})
    if len(reason) > MAX_NOTE:
        raise InvalidData(f"变更说明不能超过 {MAX_NOTE} 字", {"note": "过长"})
    draft = get_draft(session, draft_id)
    result = check_draft(session, settings, clock, draft.bpmn_xml,
                         json.loads(draft.forms_json), draft.file_name)
    if not result.ok:
        raise DraftRefused(result.problems)
    results = store(session, result.processes, actor=actor, now=clock.now(), note=reason)
    mine = [r for r in results if r.process_id == draft.process_id]
    if mine and mine[0].created:
        draft.deployed_as = mine[0].deployment_id
    return results


class DraftRefused(InvalidData):
    """A deploy refused because the draft has problems (``problems`` lists them)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"流程图有 {len(problems)} 个问题，不能部署",
                         {p.element_id or p.file: p.message for p in problems})
        self.problems = problems


def upload_draft(session: Session, settings: Settings, data: bytes, file_name: str,
                 author: str, now: datetime) -> DiagramDraft:
    """A draft from a .bpmn file drawn elsewhere, read by the hardened parser (no DTD,
    no entities, size limit): refused with the parser's reason, or saved for checking."""
    name = file_name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if not name.lower().endswith(".bpmn"):
        raise InvalidData("请上传 .bpmn 文件", {"file": "文件类型不正确"})
    try:
        tree = parse_bpmn_bytes(data, name, settings.max_bpmn_bytes)
    except BpmnRefused as exc:
        raise InvalidData("文件被拒绝：" + "；".join(str(p) for p in exc.problems),
                          {"file": exc.problems[0].message}) from exc
    try:
        xml = data.decode("utf-8")
    except UnicodeDecodeError:
        xml = str(etree.tostring(tree, encoding="unicode"))
    return save_draft(session, settings, xml=xml, forms={}, author=author, now=now,
                      file_name=name)
