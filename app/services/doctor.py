"""`zhuanjie doctor`: check that the rows derived from each workflow agree with its state.

For every instance (read in batches, one short read transaction per batch, so a database of
any size is checked in bounded memory):

- running or suspended: each open ``human_task`` row is a READY user task of the restored
  workflow and each READY user task has an open row; each waiting timer event has a
  waiting ``timer`` row with the same due instant and each waiting row has its event
  (the derivation is the engine's own: :func:`app.engine.sync.ready_user_tasks` and
  :func:`app.engine.sync.waiting_timers`);
- finished (completed or cancelled): no open human task, no waiting timer;
- where a ``transfer_case`` links the instance: the instance is finished exactly when the
  case has a final status, and a suspended instance shows a suspended case.

Then every audit chain is verified (:func:`app.engine.audit.verify`). The doctor only
reads: it repairs nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.db import session_scope
from app.engine import audit
from app.engine.serializer import cached_specs, load_state
from app.engine.sync import ready_user_tasks, waiting_timers
from app.models.case import FINAL_STATUSES, TransferCase
from app.models.engine import Deployment, HumanTask, Instance, Timer

FINISHED = ("completed", "cancelled")
BATCH_SIZE = 500

# kind → what an operator can do about it (the doctor itself never repairs)
HINTS: dict[str, str] = {
    "task_without_ready_task": "the row outlived its workflow task; inspect with "
                               "`zhuanjie instances show ID`",
    "ready_task_without_row": "operators cannot see this step; inspect with "
                              "`zhuanjie instances show ID`",
    "timer_row_without_event": "the scheduler would fire a timer the workflow no longer waits "
                               "for; inspect with `zhuanjie instances show ID`",
    "timer_event_without_row": "the scheduler will never fire this timer; inspect with "
                               "`zhuanjie instances show ID`",
    "timer_due_mismatch": "the row's due time differs from the workflow's",
    "task_on_finished_instance": "an open task of a finished instance",
    "timer_on_finished_instance": "a waiting timer of a finished instance",
    "state_unreadable": "the stored workflow state cannot be restored",
    "case_open_instance_finished": "the case is open but its workflow has ended",
    "case_closed_instance_running": "the case is closed but its workflow still runs; "
                                    "`zhuanjie instances show ID`",
    "case_status_mismatch": "the case's status disagrees with its instance's suspension",
    "task_case_mismatch": "human_task.case_id (read by the dashboard) does not name the "
                          "case of the task's instance; the dashboard miscounts these tasks",
    "audit_chain_broken": "the audit chain was altered; `zhuanjie audit verify` names the "
                          "event — restore from a backup (docs/operations.md)",
}


@dataclass(frozen=True)
class Problem:
    """One inconsistency: where it is, what kind it is, and the particulars."""

    instance_id: int | None
    case_number: str | None
    kind: str
    detail: str

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready mapping (with the kind's hint)."""
        return {"instance_id": self.instance_id, "case_number": self.case_number,
                "kind": self.kind, "detail": self.detail, "hint": HINTS.get(self.kind, "")}


@dataclass
class Report:
    """The doctor's findings and what it looked at."""

    instances: int = 0
    chains: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """True when nothing was found."""
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {"clean": self.clean, "instances": self.instances, "chains": self.chains,
                "problems": [p.to_json() for p in self.problems]}


@dataclass
class _Batch:
    """The rows of one batch of instances, grouped by instance id."""

    instances: list[Any]
    tasks: dict[int, dict[str, Any]]
    timers: dict[int, dict[str, Any]]
    cases: dict[int, tuple[str, str]]
    states: dict[int, str]
    case_mismatches: dict[int, int]


class _Specs:
    """Restored specs per deployment id, for the whole run (deployments are few)."""

    def __init__(self) -> None:
        self._specs: dict[int, tuple[Any, dict[str, Any]]] = {}

    def get(self, session: Session, deployment_id: int) -> tuple[Any, dict[str, Any]]:
        """The specs of one deployment."""
        if deployment_id not in self._specs:
            dep = session.get(Deployment, deployment_id)
            if dep is None:
                raise LookupError(f"deployment {deployment_id} does not exist")
            self._specs[deployment_id] = cached_specs(dep.content_hash, dep.spec_json)
        return self._specs[deployment_id]


def _read_batch(session: Session, after: int, size: int) -> _Batch:
    rows = session.execute(select(Instance.id, Instance.status, Instance.deployment_id)
                           .where(Instance.id > after).order_by(Instance.id).limit(size)).all()
    ids = [r.id for r in rows]
    tasks: dict[int, dict[str, Any]] = defaultdict(dict)
    timers: dict[int, dict[str, Any]] = defaultdict(dict)
    cases: dict[int, tuple[str, str]] = {}
    states: dict[int, str] = {}
    if ids:
        live = [r.id for r in rows if r.status not in FINISHED]
        if live:
            states = {i: st for i, st in session.execute(
                select(Instance.id, Instance.state).where(Instance.id.in_(live)))}
        for t in session.execute(select(HumanTask.id, HumanTask.instance_id, HumanTask.task_guid,
                                        HumanTask.task_spec).where(
                HumanTask.instance_id.in_(ids), HumanTask.status == "open")):
            tasks[t.instance_id][t.task_guid] = t
        for tm in session.execute(select(Timer.id, Timer.instance_id, Timer.task_guid,
                                         Timer.task_spec, Timer.due_at).where(
                Timer.instance_id.in_(ids), Timer.status == "waiting")):
            timers[tm.instance_id][tm.task_guid] = tm
        for c in session.execute(select(TransferCase.instance_id, TransferCase.number,
                                        TransferCase.status).where(
                TransferCase.instance_id.in_(ids))):
            cases[c.instance_id] = (c.number, c.status)
    return _Batch(list(rows), tasks, timers, cases, states, _case_mismatches(session, ids))


def _case_mismatches(session: Session, ids: list[int]) -> dict[int, int]:
    """Per instance, how many of its human tasks (any status) name another case than the
    instance's (or none, or one when the instance has no case)."""
    if not ids:
        return {}
    query = (select(HumanTask.instance_id, func.count())
             .outerjoin(TransferCase, TransferCase.instance_id == HumanTask.instance_id)
             .where(HumanTask.instance_id.in_(ids),
                    HumanTask.case_id.is_distinct_from(TransferCase.id))
             .group_by(HumanTask.instance_id))
    return {iid: int(n) for iid, n in session.execute(query)}


def _same_instant(a: datetime, b: datetime) -> bool:
    if (a.tzinfo is None) != (b.tzinfo is None):
        return a.replace(tzinfo=None) == b.replace(tzinfo=None)
    return a == b


def _task_state(wf: Any, guid: str) -> str:
    try:
        task = wf.get_task_from_id(UUID(guid))
    except (TaskNotFoundException, ValueError):
        return "absent"
    return str(TaskState.get_name(task.state)) if task is not None else "absent"


def _check_state(iid: int, number: str | None, wf: Any, tasks: dict[str, Any],
                 timers: dict[str, Any]) -> Iterator[Problem]:
    ready = ready_user_tasks(wf)
    for guid, row in tasks.items():
        if guid not in ready:
            state = _task_state(wf, guid)
            yield Problem(iid, number, "task_without_ready_task",
                          f"open human task {row.id} ({row.task_spec}, {guid}) is not a READY "
                          f"user task of the workflow (state {state})")
    for guid, task in ready.items():
        if guid not in tasks:
            yield Problem(iid, number, "ready_task_without_row",
                          f"READY user task {task.task_spec.name} ({guid}) has no open "
                          "human-task row")
    waiting = waiting_timers(wf)
    for guid, row in timers.items():
        if guid not in waiting:
            yield Problem(iid, number, "timer_row_without_event",
                          f"waiting timer {row.id} ({row.task_spec}, due {row.due_at.isoformat()}) "
                          "has no waiting timer event in the workflow")
        elif not _same_instant(row.due_at, waiting[guid][1]):
            yield Problem(iid, number, "timer_due_mismatch",
                          f"timer {row.id} ({row.task_spec}) is due {row.due_at.isoformat()} "
                          f"but the workflow waits until {waiting[guid][1].isoformat()}")
    for guid, (task, due) in waiting.items():
        if guid not in timers:
            yield Problem(iid, number, "timer_event_without_row",
                          f"timer event {task.task_spec.name} ({guid}) waits until "
                          f"{due.isoformat()} but has no waiting timer row")


def _check_case(iid: int, status: str, case: tuple[str, str] | None) -> Iterator[Problem]:
    if case is None:
        return
    number, case_status = case
    final = case_status in FINAL_STATUSES
    if status in FINISHED and not final:
        yield Problem(iid, number, "case_open_instance_finished",
                      f"instance is {status} but case {number} is {case_status}")
    elif status not in FINISHED and final:
        yield Problem(iid, number, "case_closed_instance_running",
                      f"case {number} is {case_status} but its instance is {status}")
    elif not final and (status == "suspended") != (case_status == "suspended"):
        yield Problem(iid, number, "case_status_mismatch",
                      f"instance is {status} but case {number} is {case_status}")


def _check_finished(iid: int, number: str | None, status: str, tasks: dict[str, Any],
                    timers: dict[str, Any]) -> Iterator[Problem]:
    for guid, row in tasks.items():
        yield Problem(iid, number, "task_on_finished_instance",
                      f"human task {row.id} ({row.task_spec}, {guid}) is open but the "
                      f"instance is {status}")
    for guid, row in timers.items():
        yield Problem(iid, number, "timer_on_finished_instance",
                      f"timer {row.id} ({row.task_spec}, {guid}) is waiting but the "
                      f"instance is {status}")


def _check_batch(session: Session, batch: _Batch, specs: _Specs) -> Iterator[Problem]:
    for inst in batch.instances:
        case = batch.cases.get(inst.id)
        number = case[0] if case else None
        tasks, timers = batch.tasks.get(inst.id, {}), batch.timers.get(inst.id, {})
        yield from _check_case(inst.id, inst.status, case)
        if batch.case_mismatches.get(inst.id):
            yield Problem(inst.id, number, "task_case_mismatch",
                          f"{batch.case_mismatches[inst.id]} human task(s) of the instance do "
                          f"not name its case {number or '(none)'}")
        if inst.status in FINISHED:
            yield from _check_finished(inst.id, number, inst.status, tasks, timers)
            continue
        try:
            spec, subs = specs.get(session, inst.deployment_id)
            wf = load_state(batch.states.get(inst.id) or "", spec, subs)
            if not isinstance(wf, BpmnWorkflow):
                raise TypeError("the state is not a serialized workflow")
        except Exception as exc:  # any failure to restore is itself the finding
            yield Problem(inst.id, number, "state_unreadable", f"{type(exc).__name__}: {exc}")
            continue
        yield from _check_state(inst.id, number, wf, tasks, timers)


def check_instances(engine: Engine,
                    batch_size: int = BATCH_SIZE) -> Iterator[tuple[int, Problem | None]]:
    """Check every instance, batch by batch; yields (instances seen so far, problem or None).

    A ``None`` problem is yielded once per batch so callers can count instances.
    """
    specs, after, seen = _Specs(), 0, 0
    while True:
        with session_scope(engine) as session:
            batch = _read_batch(session, after, batch_size)
            if not batch.instances:
                return
            found = list(_check_batch(session, batch, specs))
        after = batch.instances[-1].id
        seen += len(batch.instances)
        for problem in found:
            yield seen, problem
        yield seen, None


def check_audit(session: Session) -> tuple[int, list[Problem]]:
    """Verify every audit chain: (number of chains, one problem per broken chain)."""
    from app.models.audit import AuditHead

    chains = len(session.scalars(select(AuditHead.chain)).all())
    problems = []
    for fault in audit.verify(session):
        iid = int(fault.chain.split(":", 1)[1]) if fault.chain.startswith("instance:") else None
        number = session.scalar(select(TransferCase.number)
                                .where(TransferCase.instance_id == iid)) if iid else None
        problems.append(Problem(iid, number, "audit_chain_broken", str(fault)))
    return chains, problems


def diagnose(engine: Engine, batch_size: int = BATCH_SIZE) -> Report:
    """Check every instance and every audit chain; nothing is changed."""
    report = Report()
    for seen, problem in check_instances(engine, batch_size):
        report.instances = seen
        if problem is not None:
            report.problems.append(problem)
    with session_scope(engine) as session:
        report.chains, problems = check_audit(session)
    report.problems.extend(problems)
    return report
