"""timers_fire_1000_s: seconds for the scheduler's sweep to fire 1,000 due timers among
100,000 waiting ones (PostgreSQL).

    .venv/bin/python -m bench.timers_fire [--pg URL] [--quick]

One intra-province case is run to its level-1 approval, where it waits on two timers (the
approval's and the archive review's overdue reminders, non-interrupting); it is copied
(bench/clone.py) until 100,000 timers wait. The first 1,000 cases keep the approval's due
instant, the others have every due instant moved a year on. The sweep
(``services.workflow.fire_timers``, as ``zhuanjie scheduler`` runs it) is then run at the
due instant until nothing more is fired: each due case is claimed, loaded, its timer fired
(the reminder's handler writes the notifications), persisted and committed, and the
overdue tasks are flagged. Baseline: the same sweep on the same rows when nothing is due.
"""

from __future__ import annotations

import time

from sqlalchemy import func, select, text

from app.db import session_scope
from app.engine.clock import parse_instant
from app.models import Notification, Timer
from app.services import workflow
from bench.clone import clone_case
from bench.common import (
    World,
    at,
    emit,
    figure,
    initiated,
    log,
    make_world,
    parse_args,
    pg_database,
)

DUE = "2026-03-10T00:00:00+08:00"      # the level-1 approval's reminder (5 working days)
BEFORE = "2026-03-09T23:59:00+08:00"   # nothing due yet


def _waiting(world: World, due_only: bool) -> int:
    with session_scope(world.engine) as s:
        query = select(func.count()).select_from(Timer).where(Timer.status == "waiting")
        if due_only:
            query = query.where(Timer.due_at <= parse_instant(DUE))
        return int(s.scalar(query) or 0)


def main() -> None:
    """Prepare, sweep, print the figure."""
    args = parse_args(__doc__)
    waiting, due = (2_000, 20) if args.quick else (100_000, 1_000)
    world = make_world(pg_database(args.pg, "zj_bench_timers_fire"))
    template = initiated(world, world.members(1)[0])
    per_case = _waiting(world, due_only=False)
    cases = -(-waiting // per_case)
    log(f"timers_fire: copying the case {cases - 1} times ({per_case} waiting timers each)")
    started = time.perf_counter()
    assert template.instance_id is not None
    clone_case(world.engine, template.instance_id, cases - 1, shifted=due - 1)
    with world.engine.connect() as conn:
        conn.execute(text("ANALYZE"))
    made = time.perf_counter() - started
    total, due_now = _waiting(world, due_only=False), _waiting(world, due_only=True)
    log(f"{total} waiting, {due_now} due, written in {made:.1f} s")
    started = time.perf_counter()
    idle = workflow.fire_timers(world.engine, world.settings, at(BEFORE))
    idle_s = time.perf_counter() - started
    fired = sweeps = errors = overdue = 0
    started = time.perf_counter()
    while True:
        result = workflow.fire_timers(world.engine, world.settings, at(DUE))
        sweeps += 1
        errors += len(result.errors)
        fired += result.timers_fired
        overdue += result.overdue_marked
        if result.timers_fired == 0 or fired >= due_now:
            break
    elapsed = time.perf_counter() - started
    with session_scope(world.engine) as s:
        stored = s.scalar(select(func.count()).select_from(Timer).where(
            Timer.status == "fired")) or 0
        notes = s.scalar(select(func.count()).select_from(Notification)) or 0
    log(f"fired {fired} ({stored} rows fired) in {elapsed:.2f} s, {sweeps} sweeps")
    emit({"timers_fire_1000_s": figure(
        round(elapsed, 3), "s", 5, "<=",
        {"name": f"the same sweep with nothing due among the {total} waiting",
         "value": round(idle_s, 3), "unit": "s"},
        waiting=total, due=due_now, fired=fired, fired_rows=int(stored),
        notifications=int(notes), sweeps=sweeps, errors=errors,
        idle_sweep_fired=idle.timers_fired, overdue_marked=overdue,
        per_timer_ms=round(elapsed / max(fired, 1) * 1000, 2),
        timers_per_s=round(fired / elapsed, 1) if elapsed else None,
        preparation_s=round(made, 1), quick=args.quick)})


if __name__ == "__main__":
    main()
