"""Operations on a whole instance: fire its due timers, retry its incidents, cancel it,
suspend and resume it.

A suspended instance is left alone by the timer sweep (which claims only running
instances) and its tasks cannot be completed (runtime refuses any instance that is not
running); resuming makes it running again, and timers that fell due meanwhile fire at the
next sweep.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine import audit
from app.engine.clock import Clock
from app.engine.run import EngineConfig, Run
from app.engine.runtime import advance, load, persist
from app.errors import NotAllowed, NotFound
from app.models.engine import HumanTask, Incident, Instance, Timer

TIMER_ACTOR = "system:timer"


def due_timers(session: Session, instance_id: int, now: datetime) -> list[Timer]:
    """The waiting timers of an instance that are due at *now*."""
    return list(session.scalars(select(Timer).where(
        Timer.instance_id == instance_id, Timer.status == "waiting", Timer.due_at <= now)))


def fire_due(session: Session, config: EngineConfig, clock: Clock, instance_id: int) -> int:
    """Fire every due timer of one instance; the number fired (0 if another process did)."""
    run = Run(session=session, clock=clock, actor=TIMER_ACTOR, config=config)
    row, wf = load(run, instance_id)
    due = due_timers(session, instance_id, run.now())
    if not due or row.status != "running":
        return 0
    advance(run, wf)
    persist(run, row, wf)
    return sum(1 for t in due if t.status != "waiting" or t.due_at > run.now())


def retry(session: Session, config: EngineConfig, clock: Clock, instance_id: int,
          actor: str) -> int:
    """Run the failed tasks of an instance again; the number of incidents resolved."""
    run = Run(session=session, clock=clock, actor=actor, config=config)
    row, wf = load(run, instance_id)
    incidents = list(session.scalars(select(Incident).where(
        Incident.instance_id == instance_id, Incident.status == "open")))
    if not incidents:
        raise NotAllowed(f"instance {instance_id} has no open incident")
    for task in wf.get_tasks(state=TaskState.ERROR):
        task._set_state(TaskState.READY)
    run.record("retry", comment=f"{len(incidents)} incident(s)")
    advance(run, wf)
    failed = {guid for guid, *_ in run.incidents}
    resolved = 0
    for inc in incidents:
        if inc.task_guid not in failed:
            inc.status, inc.resolved_at, inc.resolved_by = "resolved", run.now(), actor
            resolved += 1
    persist(run, row, wf)
    return resolved


def cancel(session: Session, config: EngineConfig, clock: Clock, instance_id: int,
           actor: str, reason: str) -> Instance:
    """End an instance for good: its tasks and timers are closed; the reason is audited."""
    if not reason.strip():
        raise NotAllowed("a reason is required to cancel")
    run = Run(session=session, clock=clock, actor=actor, config=config)
    row, wf = load(run, instance_id)
    if row.status in ("completed", "cancelled"):
        raise NotAllowed(f"instance {instance_id} is already {row.status}")
    wf.cancel()
    for ht in session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                      HumanTask.status == "open")):
        ht.status, ht.completed_at = "cancelled", run.now()
    row.status, row.ended_at = "cancelled", run.now()
    run.record("instance_cancelled", comment=reason)
    persist(run, row, wf)
    return row


def _locked(session: Session, instance_id: int) -> Instance:
    row = session.scalar(select(Instance).where(Instance.id == instance_id).with_for_update())
    if row is None:
        raise NotFound(f"instance {instance_id} does not exist")
    return row


def _set_status(session: Session, config: EngineConfig, clock: Clock, instance_id: int,
                actor: str, reason: str, change: tuple[str, str], action: str,
                more: dict[str, Any] | None = None) -> Instance:
    if not reason.strip():
        raise NotAllowed(f"a reason is required to {action.removeprefix('instance_')}")
    row = _locked(session, instance_id)
    before, after = change
    if row.status != before:
        raise NotAllowed(f"instance {instance_id} is {row.status}, not {before}")
    now = clock.now()
    row.status, row.updated_at = after, now
    # the row is locked above, so this instance's chain cannot interleave with a step
    audit.append(session, chain=audit.instance_chain(row.id), at=now, actor=actor,
                 action=action, instance_id=row.id, comment=reason.strip(),
                 changes={"status": {"old": before, "new": after}, **(more or {})})
    if config.after_step is not None:
        config.after_step(session, row, now)
    session.flush()
    return row


def suspend(session: Session, config: EngineConfig, clock: Clock, instance_id: int,
            actor: str, reason: str, more: dict[str, Any] | None = None) -> Instance:
    """Suspend a running instance: no timer fires and no task completes until it resumes.

    *more* is added to the audit event's changes (the caller's own state before).
    """
    return _set_status(session, config, clock, instance_id, actor, reason,
                       ("running", "suspended"), "instance_suspended", more)


def resume(session: Session, config: EngineConfig, clock: Clock, instance_id: int,
           actor: str, reason: str) -> Instance:
    """Resume a suspended instance; timers that fell due meanwhile fire at the next sweep."""
    return _set_status(session, config, clock, instance_id, actor, reason,
                       ("suspended", "running"), "instance_resumed")


def get_instance(session: Session, instance_id: int) -> Instance:
    """The instance row or NotFound."""
    row = session.get(Instance, instance_id)
    if row is None:
        raise NotFound(f"instance {instance_id} does not exist")
    return row
