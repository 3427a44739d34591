"""Deployments: each process is stored as a version (BPMN source, serialized spec, forms).

Content that equals the newest version of a process is not a new version. New instances
use the newest version; running instances stay on the version they started with.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.engine import audit
from app.engine.parsing import ParsedProcess
from app.engine.serializer import SERIALIZER_VERSION, cached_specs, dump_specs
from app.errors import NotFound
from app.models.engine import Deployment

FORMS_CACHE_SIZE = 64
_forms: OrderedDict[str, dict[str, Any]] = OrderedDict()
_forms_lock = threading.Lock()


@dataclass(frozen=True)
class DeployResult:
    """What happened to one process of a deploy."""

    process_id: str
    version: int
    deployment_id: int
    created: bool

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {"process_id": self.process_id, "version": self.version,
                "deployment_id": self.deployment_id, "created": self.created}


def content_hash(spec_json: str, xml: str, forms_json: str) -> str:
    """The SHA-256 of what a version runs and shows: spec, diagram source and forms."""
    h = hashlib.sha256()
    for part in (spec_json, xml, forms_json):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def newest(session: Session, process_id: str) -> Deployment | None:
    """The newest version of *process_id*, or None."""
    return session.scalars(select(Deployment).where(Deployment.process_id == process_id)
                           .order_by(Deployment.version.desc()).limit(1)).first()


def store(session: Session, processes: list[ParsedProcess], *, actor: str, now: datetime,
          note: str | None = None) -> list[DeployResult]:
    """Store every parsed process as a new version unless it equals the newest one."""
    results = []
    for proc in processes:
        spec_json = dump_specs(proc.spec, proc.subprocess_specs)
        # no sort_keys: the order of a form's fields is the order it shows them in
        forms_json = json.dumps(proc.forms, ensure_ascii=False)
        digest = content_hash(spec_json, proc.xml, forms_json)
        current = newest(session, proc.process_id)
        if current is not None and current.content_hash == digest:
            results.append(DeployResult(proc.process_id, current.version, current.id, False))
            continue
        version = (current.version if current else 0) + 1
        row = Deployment(process_id=proc.process_id, version=version, name=proc.name,
                         content_hash=digest, file_name=proc.file_name, bpmn_xml=proc.xml,
                         spec_json=spec_json, forms_json=forms_json,
                         serializer_version=SERIALIZER_VERSION, created_at=now,
                         created_by=actor, note=note)
        session.add(row)
        session.flush()
        audit.append(session, chain=audit.SYSTEM_CHAIN, at=now, actor=actor, action="deploy",
                     comment=note, changes={"process_id": proc.process_id, "version": version,
                                            "deployment_id": row.id, "hash": digest})
        results.append(DeployResult(proc.process_id, version, row.id, True))
    return results


def versions(session: Session) -> Mapping[str, int]:
    """The newest version number of every deployed process."""
    rows = session.execute(select(Deployment.process_id, func.max(Deployment.version))
                           .group_by(Deployment.process_id)).all()
    return {pid: int(v) for pid, v in rows}


def content_hash_of(session: Session, deployment_id: int) -> str:
    """The content hash of a deployment (one small query; the big columns stay unread)."""
    digest = session.scalar(select(Deployment.content_hash).where(Deployment.id == deployment_id))
    if digest is None:
        raise NotFound(f"deployment {deployment_id} does not exist")
    return str(digest)


def specs_of(session: Session, deployment_id: int, digest: str) -> tuple[Any, dict[str, Any]]:
    """The restored specs of a deployment; its spec JSON is read only on a cache miss."""
    return cached_specs(digest, lambda: str(session.scalar(
        select(Deployment.spec_json).where(Deployment.id == deployment_id))))


def forms_of(session: Session, deployment_id: int, digest: str) -> dict[str, Any]:
    """The forms of a deployment (name → JSON Schema), parsed once per content hash.

    The mapping is shared: callers must not change it.
    """
    with _forms_lock:
        hit = _forms.get(digest)
        if hit is not None:
            _forms.move_to_end(digest)
            return hit
    raw = session.scalar(select(Deployment.forms_json).where(Deployment.id == deployment_id))
    forms: dict[str, Any] = json.loads(raw or "{}")
    with _forms_lock:
        _forms[digest] = forms
        while len(_forms) > FORMS_CACHE_SIZE:
            _forms.popitem(last=False)
    return forms
