"""The scheduler's sweep: find instances with due timers, claim them and fire them.

On PostgreSQL instances are claimed a few at a time with ``FOR UPDATE SKIP LOCKED`` (one
transaction, a savepoint per instance), so two schedulers never work on the same instance
at once; after the claim the due timers are read again,
so a timer that another scheduler has just fired is not fired twice. On SQLite the write
transaction (BEGIN IMMEDIATE) serializes the schedulers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from app.db import session_scope
from app.engine.clock import Clock
from app.engine.operations import fire_due
from app.engine.run import EngineConfig
from app.errors import ZhuanjieError
from app.models.engine import HumanTask, Instance, Timer


@dataclass
class SweepResult:
    """What one sweep did."""

    instances: int = 0
    timers_fired: int = 0
    overdue_marked: int = 0
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {"instances": self.instances, "timers_fired": self.timers_fired,
                "overdue_marked": self.overdue_marked, "errors": self.errors}


# instances claimed per transaction on PostgreSQL (each fired in its own savepoint); on
# SQLite one, so that the database's write lock is held for one case at a time
PG_BATCH = 20


def _claim(session: Session, now: datetime, after: int, batch: int) -> list[int]:
    due = select(Timer.instance_id).where(Timer.status == "waiting", Timer.due_at <= now)
    query = select(Instance.id).where(Instance.id.in_(due), Instance.status == "running",
                                      Instance.id > after).order_by(Instance.id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.limit(batch).with_for_update(skip_locked=True)
    else:
        query = query.limit(1)
    return list(session.scalars(query))


def mark_overdue(session: Session, now: datetime) -> list[int]:
    """Flag open human tasks whose due time has come; the ids newly flagged."""
    # a suspended instance's tasks are not flagged: its clock is stopped by a manager
    running = select(Instance.id).where(Instance.status == "running")
    ids = list(session.scalars(select(HumanTask.id).where(
        HumanTask.status == "open", HumanTask.overdue.is_(False), HumanTask.due_at <= now,
        HumanTask.instance_id.in_(running))))
    if ids:
        session.execute(update(HumanTask).where(HumanTask.id.in_(ids)).values(overdue=True))
    return ids


OverdueHook = Callable[[Session, list[int], datetime], None]


def sweep(engine: Engine, config: EngineConfig, clock: Clock, *, limit: int = 10_000,
          on_overdue: OverdueHook | None = None) -> SweepResult:
    """Fire every due timer, then flag overdue tasks.

    Instances are claimed a few at a time (one on SQLite) and each is fired in its own
    savepoint: a refused one is rolled back alone and reported; the others are committed
    together.
    """
    result = SweepResult()
    now = clock.now()
    last = 0
    while result.instances < limit:
        with session_scope(engine, write=True) as session:
            claimed = _claim(session, now, last, min(PG_BATCH, limit - result.instances))
            if not claimed:
                break
            for instance_id in claimed:
                last = instance_id
                try:
                    with session.begin_nested():
                        result.timers_fired += fire_due(session, config, clock, instance_id)
                except ZhuanjieError as exc:
                    result.errors.append(f"instance {instance_id}: {exc}")
                result.instances += 1
    with session_scope(engine, write=True) as session:
        ids = mark_overdue(session, now)
        if ids and on_overdue is not None:
            on_overdue(session, ids, now)
        result.overdue_marked = len(ids)
    return result
