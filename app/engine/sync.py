"""Keep the human-task and timer rows in step with the workflow after every run.

Human tasks: one open row per READY user task; rows whose task is no longer READY are
closed (completed, or cancelled when their branch was cancelled or removed). Timers: one
waiting row per WAITING timer event with its due instant; rows whose event is no longer
waiting are marked fired or cancelled.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from app.engine.run import Run, spec_id
from app.models.engine import HumanTask, Timer
from app.models.org import Org


def _props(task: Any) -> dict[str, str]:
    ext = getattr(task.task_spec, "extensions", None) or {}
    props: dict[str, str] = ext.get("properties", {})
    return props


def _evaluate(wf: Any, task: Any, expr: str) -> Any:
    return wf.script_engine.evaluate(task, expr)


def _assignee(run: Run, wf: Any, task: Any, expr: str) -> int | None:
    try:
        code = _evaluate(wf, task, expr)
    except SpiffWorkflowException as exc:
        run.incident(task, exc)
        return None
    org_id = run.session.scalar(select(Org.id).where(Org.code == str(code)))
    if org_id is None:
        run.incident(task, LookupError(
            f"assignee {code!r} of task {spec_id(task)} is not a known organisation"))
    return org_id


def _title(run: Run, wf: Any, task: Any, props: dict[str, str]) -> str:
    if props.get("title"):
        try:
            return str(_evaluate(wf, task, props["title"]))[:300]
        except SpiffWorkflowException as exc:
            run.incident(task, exc)
    return str(task.task_spec.bpmn_name or task.task_spec.name)[:300]


def _new_human_task(run: Run, wf: Any, task: Any) -> HumanTask:
    props = _props(task)
    org_id = _assignee(run, wf, task, props["assignee"])
    due = basis = None
    if props.get("deadline_working_days"):
        due, basis = run.working_deadline(int(props["deadline_working_days"]))
    row = HumanTask(instance_id=run.instance_id, task_guid=str(task.id),
                    task_spec=spec_id(task), title=_title(run, wf, task, props),
                    assignee_org_id=org_id, role=props.get("role", "operator"),
                    form=props.get("form") or None, stage=props.get("stage") or None,
                    status="open", created_at=run.now(),
                    due_at=due, due_basis=basis,
                    due_provisional=bool(basis and basis["provisional"]), overdue=False)
    return row


def ready_user_tasks(wf: Any) -> dict[str, Any]:
    """The READY user tasks of a workflow by task guid: each has one open human-task row."""
    return {str(t.id): t for t in wf.get_tasks(state=TaskState.READY, manual=True)}


def sync_human_tasks(run: Run, wf: Any) -> list[HumanTask]:
    """Open rows for new READY user tasks, close rows of tasks that are gone. New rows."""
    ready = ready_user_tasks(wf)
    # every row of the instance in one query (a case has a few dozen at most): the open ones
    # and those a task made READY again may reuse
    every = {r.task_guid: r for r in run.session.scalars(
        select(HumanTask).where(HumanTask.instance_id == run.instance_id))}
    known = set()
    for row in every.values():
        if row.status != "open":
            continue
        known.add(row.task_guid)
        if row.task_guid in ready:
            continue
        task = wf.get_task_from_id(UUID(row.task_guid))
        done = task is not None and task.state == TaskState.COMPLETED
        row.status = "completed" if done else "cancelled"
        row.completed_at = run.now()
        if not done:
            run.record("task_cancelled", task_guid=row.task_guid, task_spec=row.task_spec)
    created = []
    for guid, task in ready.items():
        if guid in known:
            continue
        row = _new_human_task(run, wf, task)
        existing = every.get(guid)
        if existing is not None:  # a task made READY again keeps its row
            for attr in ("status", "created_at", "due_at", "due_basis", "due_provisional",
                         "assignee_org_id", "title", "overdue", "stage"):
                setattr(existing, attr, getattr(row, attr))
            existing.completed_at = existing.completed_by = None
            row = existing
        else:
            run.session.add(row)
        created.append(row)
        run.record("task_created", task_guid=guid, task_spec=row.task_spec,
                   changes={"assignee_org_id": row.assignee_org_id, "role": row.role,
                            "due_at": row.due_at.isoformat() if row.due_at else None})
    return created


def _timer_due(task: Any) -> datetime | None:
    value = task._get_internal_data("event_value")
    if value is None:
        return None
    if isinstance(value, dict):
        if value.get("cycles", 0) == 0:
            return None
        value = value["next"]
    due: datetime = TimerEventDefinition.get_datetime(value)
    return due


def waiting_timers(wf: Any) -> dict[str, tuple[Any, datetime]]:
    """The waiting timer events of a workflow by task guid, with their due instants.

    Each has one waiting timer row with the same due instant.
    """
    found = {}
    for task in wf.get_tasks(state=TaskState.WAITING):
        defn = getattr(task.task_spec, "event_definition", None)
        if isinstance(defn, TimerEventDefinition):
            due = _timer_due(task)
            if due is not None:
                found[str(task.id)] = (task, due)
    return found


def sync_timers(run: Run, wf: Any) -> None:
    """Make the timer rows of the instance match its waiting timer events."""
    waiting = waiting_timers(wf)
    every = {r.task_guid: r for r in run.session.scalars(
        select(Timer).where(Timer.instance_id == run.instance_id))}
    rows = {guid: r for guid, r in every.items() if r.status == "waiting"}
    for guid, row in rows.items():
        if guid in waiting and waiting[guid][1] == row.due_at:
            continue
        task = wf.get_task_from_id(UUID(guid))
        fired = row.due_at <= run.now() and task is not None
        if fired:
            run.record("timer_fired", actor="system:timer", task_guid=guid,
                       task_spec=row.task_spec, changes={"due_at": row.due_at.isoformat()})
        if guid in waiting:  # a cycle moved on to its next due instant
            row.due_at = waiting[guid][1]
            continue
        row.status = "fired" if fired else "cancelled"
        row.fired_at = run.now() if fired else None
    for guid, (task, due) in waiting.items():
        if guid in rows:
            continue
        value = task._get_internal_data("event_value")
        basis = run.deadline_bases.get(value) if isinstance(value, str) else None
        existing = every.get(guid)
        if existing is not None:
            existing.status, existing.due_at, existing.fired_at = "waiting", due, None
            continue
        run.session.add(Timer(instance_id=run.instance_id, task_guid=guid,
                              task_spec=spec_id(task), due_at=due, due_basis=basis,
                              due_provisional=bool(basis and basis["provisional"]),
                              status="waiting"))
