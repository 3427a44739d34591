"""Move a running instance's state from one version of its process to another.

The state JSON names every task's spec by name (the BPMN id) and every subprocess by the
process it runs; restoring it against the target version's specs works when those names
exist there. The check, on the stored JSON:

- every subprocess must be covered by the target's subprocess specs (same called process);
- every task that has started or finished (READY, WAITING, STARTED, ERROR, COMPLETED,
  CANCELLED) must exist in the target by name, and an active one with the same kind of
  spec (a user task stays a user task);
- steps that are only foreseen (FUTURE, LIKELY, MAYBE) may be missing: they are dropped
  and the foreseen path is predicted again from the target, so a deleted or re-routed step
  that the case has not reached does not block it.

Then a trial: the state is restored against the target, re-predicted, serialized and
restored once more. A dry run does all of this without writing; :func:`migrate_state`
returns the migrated workflow for the caller to persist. Nothing here touches the database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from app.engine.serializer import dump_state, load_state, state_json

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
FORESEEN = TaskState.FUTURE | TaskState.PREDICTED_MASK
PROPERTIES = ("assignee", "role", "form", "deadline_working_days", "title", "stage")

Specs = tuple[Any, dict[str, Any]]


@dataclass(frozen=True)
class Finding:
    """One reason a case cannot move (a blocker) or one thing worth knowing (a note).

    ``code`` is stable (screens translate it); ``task`` is the BPMN id concerned.
    """

    code: str
    task: str | None = None
    detail: str | None = None

    def __str__(self) -> str:
        parts = [self.code] + [p for p in (self.task, self.detail) if p]
        return ": ".join(parts)


@dataclass
class MigrationCheck:
    """The outcome of checking one instance against a target version."""

    blockers: list[Finding] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)

    @property
    def movable(self) -> bool:
        """Whether the instance can move."""
        return not self.blockers


@dataclass
class _Flow:
    """One workflow (the top one or a subprocess) of a stored state."""

    tasks: dict[str, dict[str, Any]]
    source: Any
    target: Any | None


def element_of(spec_name: str) -> str:
    """The BPMN id behind a spec name (the library adds ``X.BoundaryEventSplit`` and
    ``X.BoundaryEventJoin`` around a task X with boundary events)."""
    for suffix in (".BoundaryEventSplit", ".BoundaryEventJoin"):
        if spec_name.endswith(suffix):
            return spec_name.removesuffix(suffix)
    return spec_name


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per code and element; an active state wins over a finished one."""
    order = {"READY": 0, "WAITING": 1, "STARTED": 2, "ERROR": 3}
    best: dict[tuple[str, str | None], Finding] = {}
    for f in findings:
        key = (f.code, f.task)
        known = best.get(key)
        if known is None or order.get(f.detail or "", 9) < order.get(known.detail or "", 9):
            best[key] = f
    return list(best.values())


def _flows(dct: dict[str, Any], source: Specs, target: Specs,
           check: MigrationCheck) -> list[_Flow]:
    flows = [_Flow(dct["tasks"], source[0], target[0])]
    owner = {tid: flows[0] for tid in dct["tasks"]}
    pending = dict(dct.get("subprocesses", {}))
    while pending:  # parents before children: a subprocess may call another one
        ready = [pid for pid in pending if pid in owner]
        if not ready:
            break
        for pid in ready:
            sub = pending.pop(pid)
            parent_flow, parent_task = owner[pid], owner[pid].tasks[pid]
            name = sub["spec"]
            called = None
            if parent_flow.target is not None:
                spec = parent_flow.target.task_specs.get(parent_task["task_spec"])
                called = getattr(spec, "spec", None)
            target_spec = target[1].get(name) if called == name else None
            if target_spec is None:
                check.blockers.append(Finding("missing_subprocess", parent_task["task_spec"],
                                              name))
            flow = _Flow(sub["tasks"], source[1].get(name), target_spec)
            flows.append(flow)
            owner.update({tid: flow for tid in sub["tasks"]})
    return flows


def _kind(spec: Any) -> str:
    defn = getattr(spec, "event_definition", None)
    return type(spec).__name__ + (f"/{type(defn).__name__}" if defn is not None else "")


def _props(spec: Any) -> dict[str, str]:
    props: dict[str, str] = (getattr(spec, "extensions", None) or {}).get("properties", {})
    return props


def _check_task(flow: _Flow, task: dict[str, Any], check: MigrationCheck) -> None:
    name, state = task["task_spec"], task["state"]
    new = flow.target.task_specs.get(name) if flow.target is not None else None
    old = flow.source.task_specs.get(name) if flow.source is not None else None
    if new is None:
        if not state & FORESEEN:
            check.blockers.append(Finding("missing_task", element_of(name),
                                          TaskState.get_name(state)))
        return
    if not state & ACTIVE or old is None:
        return
    if _kind(old) != _kind(new):
        check.blockers.append(Finding("type_changed", name, f"{_kind(old)} → {_kind(new)}"))
        return
    changed = [p for p in PROPERTIES if _props(old).get(p) != _props(new).get(p)]
    if state & TaskState.READY and changed:
        check.notes.append(Finding("properties_changed", name, ", ".join(changed)))
    old_def, new_def = getattr(old, "event_definition", None), getattr(new, "event_definition",
                                                                        None)
    if state & TaskState.WAITING and getattr(old_def, "expression", None) != \
            getattr(new_def, "expression", None):
        check.notes.append(Finding("timer_kept", name))


def _boundary_notes(flow: _Flow, check: MigrationCheck) -> None:
    """New boundary events of a task already under way start with its next activation."""
    if flow.target is None:
        return
    for task in flow.tasks.values():
        spec = flow.target.task_specs.get(task["task_spec"])
        if spec is None or not task["state"] & TaskState.COMPLETED \
                or type(spec).__name__ != "BoundaryEventSplit":
            continue
        children = [flow.tasks[c] for c in task["children"] if c in flow.tasks]
        if not any(c["state"] & ACTIVE for c in children):
            continue
        have = {c["task_spec"] for c in children}
        added = sorted(o.name for o in spec.outputs if o.name not in have)
        if added:
            main = task["task_spec"].removesuffix(".BoundaryEventSplit")
            check.notes.append(Finding("boundary_later", main, ", ".join(added)))


def _drop_foreseen(flow: _Flow, check: MigrationCheck) -> None:
    """Remove foreseen tasks whose spec the target lacks (with what hangs below them)."""
    if flow.target is None:
        return
    gone = [tid for tid, t in flow.tasks.items()
            if t["state"] & FORESEEN and t["task_spec"] not in flow.target.task_specs]
    for tid in gone:
        if tid not in flow.tasks:
            continue
        check.notes.append(Finding("foreseen_dropped", element_of(flow.tasks[tid]["task_spec"])))
        parent = flow.tasks.get(flow.tasks[tid]["parent"] or "")
        if parent is not None and tid in parent["children"]:
            parent["children"].remove(tid)
        for sub_id in list(_subtree(flow.tasks, tid)):
            flow.tasks.pop(sub_id, None)


def _subtree(tasks: dict[str, dict[str, Any]], root: str) -> Iterator[str]:
    stack = [root]
    while stack:
        tid = stack.pop()
        if tid in tasks:
            yield tid
            stack.extend(tasks[tid]["children"])


def _inspect(state: str, source: Specs, target: Specs) -> tuple[dict[str, Any],
                                                                 MigrationCheck]:
    dct: dict[str, Any] = json.loads(state_json(state))
    check = MigrationCheck()
    flows = _flows(dct, source, target, check)
    for flow in flows:
        for task in flow.tasks.values():
            _check_task(flow, task, check)
        _boundary_notes(flow, check)
    if check.movable:
        for flow in flows:
            _drop_foreseen(flow, check)
    check.blockers, check.notes = _dedupe(check.blockers), _dedupe(check.notes)
    return dct, check


def _all_tasks(wf: BpmnWorkflow) -> list[Any]:
    tasks = list(wf.get_tasks())
    for sub in wf.subprocesses.values():
        tasks += list(sub.get_tasks())
    return tasks


def _repredict(wf: BpmnWorkflow) -> None:
    """Make the foreseen path of every unfinished task follow the target's flows."""
    for task in _all_tasks(wf):
        if task.id not in task.workflow.tasks or not task.has_state(
                TaskState.NOT_FINISHED_MASK):
            continue
        outputs = {o.name for o in task.task_spec.outputs}
        have = {c.task_spec.name for c in task.children}
        if not have or have == outputs:  # no children: the edge of what was foreseen
            continue
        for child in list(task.children):
            if child.task_spec.name not in outputs and child.has_state(FORESEEN):
                task.workflow._remove_task(child.id)
        task.task_spec._predict(task, mask=FORESEEN | task.state)


def migrate_state(state: str, source: Specs,
                  target: Specs) -> tuple[BpmnWorkflow | None, MigrationCheck]:
    """The workflow of *state* restored against *target* and the check; the workflow is
    None when the case cannot move (the check says why). It has no script engine yet."""
    dct, check = _inspect(state, source, target)
    if not check.movable:
        return None, check
    try:
        wf = load_state(json.dumps(dct), target[0], target[1])
        _repredict(wf)
        again = load_state(dump_state(wf), target[0], target[1])
        if any(t.task_spec is None for t in _all_tasks(again)):
            raise ValueError("a task has no spec after restoring")
    except Exception as exc:  # any failure of the trial refuses the move, with its reason
        check.blockers.append(Finding("trial_failed", None, f"{type(exc).__name__}: {exc}"))
        return None, check
    return again, check


def check_state(state: str, source: Specs, target: Specs) -> MigrationCheck:
    """A dry run: whether the state can move to *target*, why not, and what to know."""
    return migrate_state(state, source, target)[1]
