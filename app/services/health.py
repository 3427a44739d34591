"""Health of a running zhuanjie: scheduler heartbeats, the checks behind ``/healthz``, and
the database-derived figures behind ``/metrics``.

Everything here is cheap on purpose (a probe or a scrape every few seconds): counts over
indexed columns, one ``MIN`` for the timer lag, and a heartbeat table of a few rows.
Nothing returned names a person: only counts, ages and revision identifiers.
"""

from __future__ import annotations

import functools
import os
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.orm import Session

from app.db import session_scope
from app.models.case import TransferCase
from app.models.engine import HumanTask, Instance, Timer
from app.models.ops import SchedulerHeartbeat

DB_TIMEOUT_SECONDS = 3.0
HEARTBEAT_KEEP = timedelta(days=7)  # rows of schedulers silent for longer are removed
_ERROR_CHARS = 500
# one thread for the probes: a hung database ties up this thread only, and later probes
# time out behind it instead of piling up threads
_probe_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zhuanjie-health")


def heartbeat_key() -> str:
    """This process's heartbeat key, ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def record_heartbeat(engine: Engine, key: str, *, kind: str, started_at: datetime,
                     now: datetime, timers_fired: int = 0, overdue_marked: int = 0,
                     duration_ms: int = 0, error: str | None = None) -> None:
    """Write this scheduler's heartbeat after a sweep (one small write transaction), and
    remove the rows of schedulers silent for a week."""
    with session_scope(engine, write=True) as session:
        row = session.get(SchedulerHeartbeat, key)
        if row is None:
            row = SchedulerHeartbeat(key=key, kind=kind, started_at=started_at, sweeps=0)
            session.add(row)
        row.last_sweep_at = now
        row.sweeps = (row.sweeps or 0) + 1
        row.last_timers_fired = timers_fired
        row.last_overdue_marked = overdue_marked
        row.last_duration_ms = duration_ms
        row.last_error = error[:_ERROR_CHARS] if error else None
        row.stopped_at = None
        session.execute(delete(SchedulerHeartbeat).where(
            SchedulerHeartbeat.last_sweep_at < now - HEARTBEAT_KEEP,
            SchedulerHeartbeat.key != key))


def mark_stopped(engine: Engine, key: str, now: datetime) -> None:
    """Record that the scheduler *key* stopped gracefully (it no longer counts as alive)."""
    with session_scope(engine, write=True) as session:
        row = session.get(SchedulerHeartbeat, key)
        if row is not None:
            row.stopped_at = now


def latest_heartbeat(session: Session) -> datetime | None:
    """The last sweep of any scheduler that has not stopped, or None."""
    value: datetime | None = session.scalar(
        select(func.max(SchedulerHeartbeat.last_sweep_at))
        .where(SchedulerHeartbeat.stopped_at.is_(None)))
    return value


def alive_schedulers(session: Session, now: datetime, stale_seconds: int) -> int:
    """How many schedulers finished a sweep within *stale_seconds*."""
    return int(session.scalar(select(func.count()).select_from(SchedulerHeartbeat).where(
        SchedulerHeartbeat.stopped_at.is_(None),
        SchedulerHeartbeat.last_sweep_at >= now - timedelta(seconds=stale_seconds))) or 0)


@functools.cache
def head_revisions() -> frozenset[str]:
    """The newest revision(s) of the migrations shipped with this code (read once)."""
    from app.migrate import alembic_config

    return frozenset(ScriptDirectory.from_config(alembic_config("")).get_heads())


@dataclass
class Health:
    """The outcome of the checks: ``ok`` and one entry per check."""

    checks: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return all(c["ok"] for c in self.checks.values())

    def to_json(self) -> dict[str, Any]:
        """The body of /healthz."""
        failed = [name for name, c in self.checks.items() if not c["ok"]]
        return {"status": "ok" if self.ok else "fail", "failed": failed, "checks": self.checks}


def _age(now: datetime, then: datetime | None) -> float | None:
    return None if then is None else round(max(0.0, (now - then).total_seconds()), 1)


def _probe(engine: Engine, now: datetime, stale_seconds: int) -> dict[str, Any]:
    """The database part of the checks, in one read transaction."""
    with session_scope(engine) as session:
        session.execute(text("SELECT 1"))
        current = frozenset(MigrationContext.configure(session.connection())
                            .get_current_heads())
        return {"current": sorted(current), "last_sweep": latest_heartbeat(session),
                "alive": alive_schedulers(session, now, stale_seconds)}


def check_health(engine: Engine, now: datetime, *, stale_seconds: int,
                 in_process_sweep: datetime | None = None,
                 timeout: float = DB_TIMEOUT_SECONDS,
                 probe: Callable[..., dict[str, Any]] = _probe) -> Health:
    """Database reachable within *timeout*, schema at the newest migration, a scheduler
    that swept within *stale_seconds* (a heartbeat row, or *in_process_sweep*: the last
    sweep of a scheduler inside this process)."""
    health = Health()
    try:
        found = _probe_pool.submit(probe, engine, now, stale_seconds).result(timeout=timeout)
    except FutureTimeout:
        health.checks["database"] = {"ok": False, "error": f"no answer within {timeout:g}s"}
        return health
    except Exception as exc:  # any driver error: the database is not usable
        health.checks["database"] = {"ok": False, "error": type(exc).__name__}
        return health
    health.checks["database"] = {"ok": True}
    heads = head_revisions()
    health.checks["migrations"] = {"ok": set(found["current"]) == heads,
                                   "current": found["current"], "head": sorted(heads)}
    last = found["last_sweep"]
    if in_process_sweep is not None and (last is None or in_process_sweep > last):
        last = in_process_sweep
    age = _age(now, last)
    health.checks["scheduler"] = {"ok": age is not None and age <= stale_seconds,
                                  "last_sweep_age_seconds": age, "alive": found["alive"],
                                  "stale_after_seconds": stale_seconds}
    return health


@dataclass
class OpsFigures:
    """What /metrics reads from the database at scrape time."""

    cases_by_status: dict[str, int]
    open_tasks: int
    overdue_tasks: int
    waiting_timers: int
    timer_lag_seconds: float
    heartbeat_age_seconds: float | None
    schedulers_alive: int


def ops_figures(session: Session, now: datetime, stale_seconds: int) -> OpsFigures:
    """Cases by status, open and overdue human tasks, waiting timers, the timer lag (the
    oldest due timer of a running instance not yet fired; 0 when none) and the scheduler
    heartbeat's age."""
    by_status = {status: int(n) for status, n in session.execute(
        select(TransferCase.status, func.count()).group_by(TransferCase.status))}
    tasks = {bool(overdue): int(n) for overdue, n in session.execute(
        select(HumanTask.overdue, func.count()).where(HumanTask.status == "open")
        .group_by(HumanTask.overdue))}
    waiting = session.scalar(select(func.count()).select_from(Timer)
                             .where(Timer.status == "waiting")) or 0
    # ORDER BY … LIMIT 1 walks ix_timer_due from the oldest and stops at the first timer of
    # a running instance (a MIN over the join scans every instance)
    oldest_due = session.scalar(
        select(Timer.due_at).join(Instance, Instance.id == Timer.instance_id)
        .where(Timer.status == "waiting", Timer.due_at <= now, Instance.status == "running")
        .order_by(Timer.due_at).limit(1))
    return OpsFigures(
        cases_by_status=by_status, open_tasks=sum(tasks.values()),
        overdue_tasks=tasks.get(True, 0), waiting_timers=int(waiting),
        timer_lag_seconds=_age(now, oldest_due) or 0.0,
        heartbeat_age_seconds=_age(now, latest_heartbeat(session)),
        schedulers_alive=alive_schedulers(session, now, stale_seconds))
