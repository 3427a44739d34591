"""engine_overhead_ratio: zhuanjie's cost of completing one user task over the bare library's.

    .venv/bin/python -m bench.engine_overhead [--pg URL] [--quick]

Many intra-province cases are started and initiated through the services, so that each has
the same step open: the level-1 approval (审批, CS-YL-JY). For each case, first the bare
library (SpiffWorkflow) restores that case's stored state with the deployment's spec
(parsed once and cached, as the engine does), completes the same task with the same data,
runs the engine steps and serializes the state again — a few times, the state string is
not changed; then zhuanjie completes the task through ``services.tasks.complete_task`` in
a write transaction (load with the row locked, policy and form checks, run, persist human
tasks, timers, audit, the case projection, commit). The figure is the ratio of the medians
on SQLite (a file, WAL); PostgreSQL is measured the same way and reported in the detail.
"""

from __future__ import annotations

import json
import time
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from sqlalchemy import select

from app.db import session_scope
from app.engine.run import Run
from app.engine.serializer import _state_serializer, cached_specs
from app.models import Deployment, HumanTask, Instance
from app.services import tasks
from app.services.workflow import engine_config
from bench.common import (
    APPROVE,
    World,
    at,
    emit,
    figure,
    initiated,
    log,
    make_world,
    median_ms,
    parse_args,
    pg_database,
    sqlite_database,
)

WHEN = "2026-03-03T10:00"
LEVEL1 = "CS-YL-JY"
BASELINE_REPEATS = 3


def _prepared(world: World, count: int) -> list[tuple[int, str, str, int]]:
    """*count* cases at their level-1 approval: (task id, task guid, state, deployment)."""
    prepared = []
    for member in world.members(count):
        case = initiated(world, member)
        task = world.task(case, "approve", org=LEVEL1)
        with session_scope(world.engine) as s:
            row = s.get(Instance, case.instance_id)
            assert row is not None
            prepared.append((task.id, task.task_guid, row.state, row.deployment_id))
    return prepared


def _bare_run(world: World, session: Any, state: str, guid: str, spec: Any, subs: Any,
              calendar: Any) -> tuple[float, float, float]:
    """Deserialize, complete, run and serialize with the library only; seconds per part."""
    run = Run(session=session, clock=at(WHEN), actor="bench",
              config=engine_config(world.settings))
    run._calendar = calendar  # the calendar in memory: only the library's work is timed
    serializer: BpmnWorkflowSerializer = _state_serializer
    t0 = time.perf_counter()
    dct = json.loads(state)
    dct.pop(BpmnWorkflowSerializer.VERSION_KEY, None)
    wf = serializer.registry.restore(dct, spec=spec, subprocess_specs=subs)
    wf.script_engine = run.script_engine()
    t1 = time.perf_counter()
    task = wf.get_task_from_id(UUID(guid))
    task.data.update(APPROVE)
    task.run()
    wf.refresh_timers()
    wf.do_engine_steps()
    t2 = time.perf_counter()
    out = serializer.serialize_json(wf)
    t3 = time.perf_counter()
    if not out or run.events:
        raise RuntimeError("the bare run reached a service task: choose another step")
    return t1 - t0, t2 - t1, t3 - t2


def measure(world: World, count: int) -> dict[str, Any]:
    """Medians of zhuanjie's completion and of the bare library's on *count* cases."""
    prepared = _prepared(world, count)
    with session_scope(world.engine) as s:
        dep = s.get(Deployment, prepared[0][3])
        assert dep is not None
        spec, subs = cached_specs(dep.content_hash, dep.spec_json)
        calendar = engine_config(world.settings).calendar_loader(s)
    user = f"op-{LEVEL1}"
    ours: list[float] = []
    ours_cpu: list[float] = []
    bare: list[float] = []
    bare_cpu: list[float] = []
    parts: list[tuple[float, float, float]] = []
    for task_id, guid, state, _ in prepared:
        with session_scope(world.engine) as s:
            for _ in range(BASELINE_REPEATS):
                cpu = time.thread_time()
                part = _bare_run(world, s, state, guid, spec, subs, calendar)
                bare_cpu.append(time.thread_time() - cpu)
                parts.append(part)
                bare.append(sum(part))
        started, cpu = time.perf_counter(), time.thread_time()
        with session_scope(world.engine, write=True) as s:
            tasks.complete_task(s, world.settings, at(WHEN), task_id, user, dict(APPROVE))
        ours.append(time.perf_counter() - started)
        ours_cpu.append(time.thread_time() - cpu)
    with session_scope(world.engine) as s:
        done = s.scalars(select(HumanTask.status).where(
            HumanTask.id.in_([p[0] for p in prepared]))).all()
    if set(done) != {"completed"}:
        raise RuntimeError(f"not every measured task was completed: {sorted(set(done))}")
    ratio = median_ms(ours) / median_ms(bare)
    return {"ratio": round(ratio, 2), "zhuanjie_median_ms": median_ms(ours),
            "library_median_ms": median_ms(bare),
            "library_deserialize_median_ms": median_ms(p[0] for p in parts),
            "library_run_median_ms": median_ms(p[1] for p in parts),
            "library_serialize_median_ms": median_ms(p[2] for p in parts),
            # CPU time of this thread: less disturbed by other work on the machine; on
            # PostgreSQL it leaves out the server's share
            "cpu_ratio": round(median_ms(ours_cpu) / median_ms(bare_cpu), 2),
            "zhuanjie_cpu_median_ms": median_ms(ours_cpu),
            "library_cpu_median_ms": median_ms(bare_cpu),
            "state_chars": len(prepared[0][2]), "cases": len(ours),
            "library_samples": len(bare)}


def main() -> None:
    """Measure on SQLite and PostgreSQL; print the figure."""
    args = parse_args(__doc__)
    count = 15 if args.quick else 150
    log(f"engine_overhead: {count} cases on SQLite")
    lite = measure(make_world(sqlite_database("engine_overhead")), count)
    log(f"SQLite: {lite}")
    pg_url = pg_database(args.pg, "zj_bench_engine_overhead")
    log(f"engine_overhead: {count} cases on PostgreSQL")
    pg = measure(make_world(pg_url), count)
    log(f"PostgreSQL: {pg}")
    step = "intra_province: level-1 approval (审批, CS-YL-JY) completed with approve"
    emit({"engine_overhead_ratio": figure(
        lite["ratio"], "ratio", 3, "<=",
        {"name": "bare SpiffWorkflow: deserialize, complete, run, serialize (median, SQLite run)",
         "value": lite["library_median_ms"], "unit": "ms"},
        step=step, sqlite=lite, postgresql=pg, postgresql_ratio=pg["ratio"])})


if __name__ == "__main__":
    main()
