"""What a deployed diagram holds for the managers' views: its flows, call activities, element
names and step limits, and which version of a called process a deployment embeds.

The diagram source is the deployment's own ``bpmn_xml``; a called process (逐级审批, 党员报到)
is drawn from the deployment of that process whose spec is the one embedded in the caller,
so a case is always shown on the versions it runs.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.engine.bpmn_xml import BPMN_NS, SPIFF_NS, parse_bpmn_bytes
from app.models.engine import Deployment

_MAX_XML = 20_000_000


@dataclass(frozen=True)
class Shape:
    """The parts of one process diagram the views need."""

    process_id: str
    flows: dict[tuple[str, str], str] = field(default_factory=dict)  # (source, target) → id
    calls: dict[str, str] = field(default_factory=dict)   # call activity id → called process
    names: dict[str, str] = field(default_factory=dict)   # element id → name
    kinds: dict[str, str] = field(default_factory=dict)   # element id → BPMN tag
    limits: dict[str, int] = field(default_factory=dict)  # user task id → working days


def _limit(el: etree._Element) -> int | None:
    for prop in el.iter(f"{{{SPIFF_NS}}}property"):
        if prop.get("name") == "deadline_working_days":
            value = prop.get("value") or ""
            return int(value) if value.isdigit() else None
    return None


@functools.lru_cache(maxsize=64)
def _shape(content_hash: str, xml: str, process_id: str) -> Shape:
    tree = parse_bpmn_bytes(xml.encode("utf-8"), f"{process_id}.bpmn", _MAX_XML)
    shape = Shape(process_id)
    for el in tree.getroot().iter(f"{{{BPMN_NS}}}*"):
        tag = etree.QName(el).localname
        el_id = el.get("id")
        if not el_id or el.getparent() is None:
            continue
        if tag == "sequenceFlow":
            shape.flows[(el.get("sourceRef") or "", el.get("targetRef") or "")] = el_id
            continue
        shape.kinds[el_id] = tag
        if el.get("name"):
            shape.names[el_id] = str(el.get("name"))
        if tag == "callActivity" and el.get("calledElement"):
            shape.calls[el_id] = str(el.get("calledElement"))
        if tag == "userTask":
            limit = _limit(el)
            if limit is not None:
                shape.limits[el_id] = limit
    return shape


def shape_of(dep: Deployment) -> Shape:
    """The shape of a deployment's diagram (parsed once per content)."""
    return _shape(dep.content_hash, dep.bpmn_xml, dep.process_id)


@functools.lru_cache(maxsize=64)
def _embedded(content_hash: str, spec_json: str) -> dict[str, Any]:
    """The called processes' specs that a deployment carries, by process id."""
    subs: dict[str, Any] = json.loads(spec_json).get("subprocess_specs", {})
    return subs


@functools.lru_cache(maxsize=64)
def _own_tasks(content_hash: str, spec_json: str) -> frozenset[str]:
    return frozenset(json.loads(spec_json).get("spec", {}).get("task_specs", {}))


def called_deployment(session: Session, main: Deployment, process_id: str) -> Deployment | None:
    """The deployment of *process_id* whose spec *main* embeds (else the newest one before it)."""
    wanted = _embedded(main.content_hash, main.spec_json).get(process_id)
    candidates = session.scalars(select(Deployment).where(Deployment.process_id == process_id)
                                 .order_by(Deployment.version.desc())).all()
    for dep in candidates:
        if wanted is not None and json.loads(dep.spec_json).get("spec") == wanted:
            return dep
    earlier = [d for d in candidates if d.created_at <= main.created_at]
    return earlier[0] if earlier else (candidates[0] if candidates else None)


def task_owners(main: Deployment) -> dict[str, str]:
    """Which process of a deployment (itself or a called one) each task id belongs to."""
    owners: dict[str, str] = {}
    for pid, spec in _embedded(main.content_hash, main.spec_json).items():
        for name in spec.get("task_specs", {}):
            owners.setdefault(name, pid)
    for name in _own_tasks(main.content_hash, main.spec_json):
        owners[name] = main.process_id  # the caller's own element wins a shared name
    return owners


def call_path(session: Session, main: Deployment) -> dict[str, tuple[str, str]]:
    """For each called process: (the process that calls it, the calling activity's id)."""
    parents: dict[str, tuple[str, str]] = {}
    queue = [main]
    seen = {main.process_id}
    while queue:
        dep = queue.pop()
        for activity, called in shape_of(dep).calls.items():
            if called in seen:
                continue
            seen.add(called)
            parents[called] = (dep.process_id, activity)
            sub = called_deployment(session, main, called)
            if sub is not None:
                queue.append(sub)
    return parents


def diagrams_of(session: Session, main: Deployment) -> list[Deployment]:
    """The deployment and, in calling order, the deployments of the processes it calls."""
    result = [main]
    for pid in call_path(session, main):
        dep = called_deployment(session, main, pid)
        if dep is not None:
            result.append(dep)
    return result


def lift(element: str, owner: str, target: str, parents: dict[str, tuple[str, str]]) -> str | None:
    """The element of process *target* that holds *element* of process *owner*: itself, or
    the call activity through which *target* reaches *owner* (None if it does not)."""
    while owner != target:
        if owner not in parents:
            return None
        owner, element = parents[owner]
    return element


def step_names(session: Session) -> dict[str, str]:
    """The name of every user task of the newest version of each process, by element id."""
    last = (select(Deployment.process_id, func.max(Deployment.version).label("v"))
            .group_by(Deployment.process_id).subquery())
    newest = session.scalars(select(Deployment).join(last, and_(
        Deployment.process_id == last.c.process_id, Deployment.version == last.c.v)))
    names: dict[str, str] = {}
    for dep in newest:
        shape = shape_of(dep)
        for el, kind in shape.kinds.items():
            if kind == "userTask" and el in shape.names:
                names.setdefault(el, shape.names[el])
    return names
