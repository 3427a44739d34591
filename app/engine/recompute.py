"""Recompute deadlines that rested on provisional days once official days are entered.

Every human-task due time and every timer made by ``deadline(...)`` keeps its basis (start
date, working days, provisional years). When policy staff enter the official days of a
year (or change a day), each pending deadline whose provisional years include that year is
counted again; a timer's new instant is written into its workflow, so the event fires at
the new time; every change is audited on its case.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine.clock import Clock, SystemClock
from app.engine.run import EngineConfig, Run
from app.engine.runtime import load, persist
from app.models.engine import HumanTask, Timer

ACTOR = "system:calendar"


def _affected(rows: list[Any], year: int) -> list[Any]:
    return [r for r in rows if r.due_basis and year in (r.due_basis.get("years") or [])]


def _recount(run: Run, basis: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    return run.working_deadline(int(basis["working_days"]), date.fromisoformat(basis["from"]))


def _recompute_tasks(run: Run, rows: list[HumanTask]) -> int:
    changed = 0
    for row in rows:
        assert row.due_basis is not None
        due, basis = _recount(run, row.due_basis)
        old = row.due_at
        row.due_basis, row.due_provisional = basis, bool(basis["provisional"])
        if due == old:
            continue
        row.due_at = due
        row.overdue = row.overdue and due <= run.now()
        changed += 1
        run.instance_id = row.instance_id
        run.record("deadline_recomputed", task_guid=row.task_guid, task_spec=row.task_spec,
                   changes={"due_at": {"old": old.isoformat() if old else None,
                                       "new": due.isoformat()}})
    return changed


def _recompute_timers(session: Session, config: EngineConfig, clock: Clock,
                      rows: list[Timer]) -> int:
    changed = 0
    by_instance: dict[int, list[Timer]] = {}
    for row in rows:
        by_instance.setdefault(row.instance_id, []).append(row)
    for instance_id, timers in by_instance.items():
        run = Run(session=session, clock=clock, actor=ACTOR, config=config)
        inst, wf = load(run, instance_id)
        for row in timers:
            assert row.due_basis is not None
            due, basis = _recount(run, row.due_basis)
            task = wf.get_task_from_id(UUID(row.task_guid))
            row.due_basis, row.due_provisional = basis, bool(basis["provisional"])
            if task is None or due == row.due_at:
                continue
            task._set_internal_data(event_value=due.isoformat())
            run.record("deadline_recomputed", task_guid=row.task_guid, task_spec=row.task_spec,
                       changes={"due_at": {"old": row.due_at.isoformat(),
                                           "new": due.isoformat()}})
            row.due_at = due
            changed += 1
        persist(run, inst, wf)
    return changed


def recompute_provisional(session: Session, config: EngineConfig, year: int,
                          clock: Clock | None = None) -> int:
    """Recount the pending deadlines that used provisional days of *year*; how many changed."""
    clock = clock or SystemClock()
    tasks = _affected(list(session.scalars(select(HumanTask).where(
        HumanTask.status == "open", HumanTask.due_provisional.is_(True)))), year)
    timers = _affected(list(session.scalars(select(Timer).where(
        Timer.status == "waiting", Timer.due_provisional.is_(True)))), year)
    changed = _recompute_timers(session, config, clock, timers)
    by_instance: dict[int, list[HumanTask]] = {}
    for row in tasks:
        by_instance.setdefault(row.instance_id, []).append(row)
    for instance_id, rows in by_instance.items():
        run = Run(session=session, clock=clock, actor=ACTOR, config=config)
        run.instance_id = instance_id
        changed += _recompute_tasks(run, rows)
        _write_audit(run)
    return changed


def _write_audit(run: Run) -> None:
    from app.engine import audit

    for ev in run.events:
        audit.append(run.session, chain=audit.instance_chain(run.instance_id), at=run.now(),
                     actor=ev.actor, action=ev.action, instance_id=run.instance_id,
                     task_guid=ev.task_guid, task_spec=ev.task_spec, comment=ev.comment,
                     changes=ev.changes)
    run.events.clear()
