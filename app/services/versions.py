"""Deployed versions of the processes: lists, running cases per version, downloads, diffs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.engine.diff import DiagramDiff, diff_bpmn
from app.errors import NotFound
from app.models.engine import Deployment, Instance

ENDED = ("completed", "cancelled")


@dataclass(frozen=True)
class VersionRow:
    """One version of a process as the history lists it."""

    id: int
    process_id: str
    version: int
    name: str
    file_name: str
    created_at: datetime
    created_by: str
    note: str | None
    running: int
    total: int


@dataclass(frozen=True)
class ProcessRow:
    """One process: its newest version and the cases still running on any version."""

    process_id: str
    name: str
    newest: VersionRow
    versions: int
    running: int


@dataclass
class VersionDiff:
    """The diagram and form differences between two versions of a process."""

    old: Deployment
    new: Deployment
    diagram: DiagramDiff
    forms_added: list[str] = field(default_factory=list)
    forms_removed: list[str] = field(default_factory=list)
    forms_changed: list[str] = field(default_factory=list)


def _counts(session: Session) -> dict[int, tuple[int, int]]:
    """deployment id → (unfinished instances, all instances)."""
    rows = session.execute(select(Instance.deployment_id, Instance.status, func.count())
                           .group_by(Instance.deployment_id, Instance.status)).all()
    counts: dict[int, tuple[int, int]] = {}
    for dep_id, status, n in rows:
        live, total = counts.get(dep_id, (0, 0))
        counts[dep_id] = (live + (n if status not in ENDED else 0), total + n)
    return counts


def _row(dep: Deployment, counts: dict[int, tuple[int, int]]) -> VersionRow:
    live, total = counts.get(dep.id, (0, 0))
    return VersionRow(dep.id, dep.process_id, dep.version, dep.name, dep.file_name,
                      dep.created_at, dep.created_by, dep.note, live, total)


def process_list(session: Session) -> list[ProcessRow]:
    """Every deployed process with its newest version, by name."""
    counts = _counts(session)
    deps = session.execute(select(Deployment.id, Deployment.process_id, Deployment.version)
                           ).all()
    by_process: dict[str, list[tuple[int, int]]] = {}
    for dep_id, pid, version in deps:
        by_process.setdefault(pid, []).append((version, dep_id))
    result = []
    for pid, versions in by_process.items():
        newest = session.get(Deployment, max(versions)[1])
        assert newest is not None
        running = sum(counts.get(dep_id, (0, 0))[0] for _v, dep_id in versions)
        result.append(ProcessRow(pid, newest.name, _row(newest, counts), len(versions),
                                 running))
    return sorted(result, key=lambda r: r.process_id)


def version_list(session: Session, process_id: str) -> list[VersionRow]:
    """The versions of one process, newest first, with their running cases."""
    deps = session.scalars(select(Deployment).where(Deployment.process_id == process_id)
                           .order_by(Deployment.version.desc())).all()
    if not deps:
        raise NotFound(f"流程 {process_id} 尚未部署")
    counts = _counts(session)
    return [_row(d, counts) for d in deps]


def get_version(session: Session, deployment_id: int) -> Deployment:
    """One deployed version or NotFound."""
    dep = session.get(Deployment, deployment_id)
    if dep is None:
        raise NotFound(f"版本 {deployment_id} 不存在")
    return dep


def version_forms(dep: Deployment) -> dict[str, Any]:
    """The forms of a version by name."""
    forms: dict[str, Any] = json.loads(dep.forms_json or "{}")
    return forms


def diff_versions(session: Session, old_id: int, new_id: int) -> VersionDiff:
    """What changed from version *old_id* to *new_id* (two versions of one process)."""
    old, new = get_version(session, old_id), get_version(session, new_id)
    if old.process_id != new.process_id:
        raise NotFound("只能比较同一流程的两个版本")
    result = VersionDiff(old, new, diff_bpmn(old.bpmn_xml, new.bpmn_xml))
    before, after = version_forms(old), version_forms(new)
    result.forms_added = sorted(set(after) - set(before))
    result.forms_removed = sorted(set(before) - set(after))
    result.forms_changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
    return result
