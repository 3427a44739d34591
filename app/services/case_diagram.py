"""The live state of one case drawn on its diagrams: completed elements, active and overdue
tasks, and the sequence flows taken.

Active and overdue tasks come from the case's human-task rows. Completed elements and taken
flows come from one deserialization of this one instance (a detail page may afford it): a
task of the workflow's tree that really ran (completed, ready, started, waiting) after its
parent ran means the flow between their two elements was taken. If the state cannot be
restored, the diagram still shows what the task rows know.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine.serializer import cached_specs, load_state
from app.models.engine import Deployment, HumanTask, Instance
from app.services.diagram_shapes import Shape, call_path, diagrams_of, lift, shape_of, task_owners

log = logging.getLogger("zhuanjie.diagram")
_RAN = TaskState.COMPLETED | TaskState.READY | TaskState.STARTED | TaskState.WAITING \
    | TaskState.ERROR


@dataclass
class DiagramState:
    """The markers of one process diagram."""

    process_id: str
    name: str
    version: int
    deployment_id: int
    xml: str
    done: set[str] = field(default_factory=set)
    active: set[str] = field(default_factory=set)
    overdue: set[str] = field(default_factory=set)
    flows: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        """The JSON the page's script reads (sorted, so the page is stable)."""
        return {"process_id": self.process_id, "name": self.name, "version": self.version,
                "xml": self.xml, "done": sorted(self.done - self.active - self.overdue),
                "active": sorted(self.active - self.overdue), "overdue": sorted(self.overdue),
                "flows": sorted(self.flows)}


def _bpmn_id(task: Any) -> str | None:
    value = getattr(task.task_spec, "bpmn_id", None)
    return str(value) if value else None


def _walk(root: Any, shape: Shape, state: DiagramState) -> None:
    """Mark what ran in one workflow tree (the main one or a called one)."""
    stack: list[tuple[Any, str | None]] = [(root, None)]
    while stack:
        task, before = stack.pop()
        ran = bool(task.state & _RAN)
        element = _bpmn_id(task)
        if ran and element is not None:
            if task.state == TaskState.COMPLETED and shape.kinds.get(element) != "boundaryEvent":
                state.done.add(element)
            if before is not None and (before, element) in shape.flows:
                state.flows.add(shape.flows[(before, element)])
        if not ran:
            continue  # predicted branches: nothing under them ran
        following = element if element is not None else before
        stack.extend((child, following) for child in task.children)


def _restore(dep: Deployment, row: Instance) -> Any:
    spec, subs = cached_specs(dep.content_hash, dep.spec_json)
    return load_state(row.state, spec, subs)


def _from_workflow(dep: Deployment, row: Instance, states: dict[str, DiagramState],
                   shapes: dict[str, Shape]) -> None:
    try:
        wf = _restore(dep, row)
        _walk(wf.task_tree, shapes[dep.process_id], states[dep.process_id])
        for sub in wf.subprocesses.values():
            pid = str(sub.spec.name)
            if pid in states:
                _walk(sub.task_tree, shapes[pid], states[pid])
    except Exception:  # an unreadable state must not hide the rest of the page
        log.warning("instance %s: state could not be read for the diagram", row.id,
                    exc_info=True)


def _mark_tasks(session: Session, main: Deployment, row: Instance, now: datetime,
                states: dict[str, DiagramState]) -> None:
    owners = task_owners(main)
    parents = call_path(session, main)
    tasks = session.execute(select(HumanTask.task_spec, HumanTask.status, HumanTask.due_at)
                            .where(HumanTask.instance_id == row.id)).all()
    for spec, status, due in tasks:
        owner = owners.get(spec, main.process_id)
        for pid, state in states.items():
            element = lift(spec, owner, pid, parents)
            if element is None:
                continue
            if status == "completed" and pid == owner:
                state.done.add(element)
            elif status == "open":
                late = due is not None and due <= now
                (state.overdue if late else state.active).add(element)


def case_diagrams(session: Session, instance_id: int, now: datetime) -> list[DiagramState]:
    """The diagrams of the instance's version (its own, then the called ones) with markers."""
    row = session.get(Instance, instance_id)
    if row is None:
        return []
    main = session.get(Deployment, row.deployment_id)
    assert main is not None
    deps = diagrams_of(session, main)
    states = {d.process_id: DiagramState(d.process_id, d.name, d.version, d.id, d.bpmn_xml)
              for d in deps}
    shapes = {d.process_id: shape_of(d) for d in deps}
    _from_workflow(main, row, states, shapes)
    _mark_tasks(session, main, row, now, states)
    return [states[d.process_id] for d in deps]
