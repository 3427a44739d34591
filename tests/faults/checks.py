"""What a fault run must find afterwards: doctor clean, nothing acknowledged lost, no timer
fired twice, every open case able to go on."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from app.db import session_scope
from app.engine.clock import FixedClock, SystemClock
from app.engine.operations import fire_due
from app.models import AuditEvent, HumanTask, Incident, Instance, Member, Org, TransferCase
from app.models.case import FINAL_STATUSES
from app.models.engine import Timer
from app.services import tasks, workflow
from tests.faults.load import Tally, actor_of, task_data
from tests.faults.procs import ROOT, ZHUANJIE
from tests.faults.world import World


def doctor(world: World, env: dict[str, str]) -> tuple[int, list[dict[str, Any]]]:
    """`zhuanjie doctor --json` on the run's database: (exit status, problems)."""
    proc = subprocess.run([*ZHUANJIE, "doctor", "--json"], cwd=ROOT, env=env, timeout=300,
                          capture_output=True, text=True, check=False)
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        return proc.returncode, [{"kind": "doctor_failed", "detail": proc.stderr[-500:]}]
    return proc.returncode, list(report["problems"])


def lost_completions(world: World, tally: Tally) -> list[str]:
    """Acknowledged completions whose task is not completed or has no audit event."""
    lost = []
    with session_scope(world.engine) as s:
        for task_id, user in sorted(tally.acked.items()):
            row = s.get(HumanTask, task_id)
            if row is None or row.status != "completed" or row.completed_by != user:
                lost.append(f"task {task_id}: acknowledged to {user} but "
                            f"{'missing' if row is None else row.status}")
                continue
            event = s.scalar(select(AuditEvent.id).where(
                AuditEvent.instance_id == row.instance_id, AuditEvent.action == "task_completed",
                AuditEvent.task_guid == row.task_guid, AuditEvent.actor == user))
            if event is None:
                lost.append(f"task {task_id}: completed but no task_completed audit event")
        numbers = set(s.scalars(select(TransferCase.number)))
    lost += [f"case {n}: start acknowledged but missing" for n in tally.started
             if n not in numbers]
    return lost


def members_with_two_open_cases(world: World) -> list[str]:
    """Members with more than one open case (each may have one at a time)."""
    with session_scope(world.engine) as s:
        rows = s.execute(select(TransferCase.member_id, func.count())
                         .where(TransferCase.status.not_in(FINAL_STATUSES),
                                TransferCase.member_id.is_not(None))
                         .group_by(TransferCase.member_id).having(func.count() > 1)).all()
    return [f"member {mid} has {n} open cases" for mid, n in rows]


def withdrawals(world: World, tally: Tally) -> list[str]:
    """Acknowledged withdrawals that did not hold; withdrawn cases whose member moved."""
    found = []
    with session_scope(world.engine) as s:
        for number in sorted(tally.withdrawn):
            status = s.scalar(select(TransferCase.status).where(TransferCase.number == number))
            if status != "withdrawn":
                found.append(f"case {number}: withdrawal acknowledged but the case is {status}")
        moved = s.execute(select(TransferCase.number, TransferCase.landed_at)
                          .join(Member, Member.id == TransferCase.member_id)
                          .where(TransferCase.status == "withdrawn",
                                 (TransferCase.landed_at.is_not(None))
                                 | (Member.branch_id != TransferCase.from_org_id))).all()
    found += [f"case {n}: withdrawn but its member has moved (landed {landed})"
              for n, landed in moved]
    return found


def timer_fires(world: World) -> tuple[int, list[str]]:
    """(timer firings recorded, firings recorded more than once for one due instant)."""
    with session_scope(world.engine) as s:
        events = s.execute(select(AuditEvent.instance_id, AuditEvent.task_guid,
                                  AuditEvent.changes)
                           .where(AuditEvent.action == "timer_fired")).all()
        fired_rows = s.scalar(select(Timer.id).where(Timer.status == "fired",
                                                     Timer.fired_at.is_(None)))
    seen = Counter((iid, guid, (changes or {}).get("due_at")) for iid, guid, changes in events)
    twice = [f"instance {iid} timer {guid} due {due}: fired {n} times"
             for (iid, guid, due), n in sorted(seen.items(), key=str) if n > 1]
    if fired_rows is not None:
        twice.append(f"timer {fired_rows} is fired without a firing time")
    return len(events), twice


def unfired(world: World) -> list[str]:
    """Timers due (with the schedulers given time) that are still waiting."""
    now = datetime.now(UTC)
    with session_scope(world.engine) as s:
        rows = s.execute(select(Timer.id, Timer.instance_id, Timer.task_spec)
                         .join(Instance, Instance.id == Timer.instance_id)
                         .where(Timer.status == "waiting", Timer.due_at <= now,
                                Instance.status == "running")).all()
    return [f"timer {t} ({spec}) of instance {iid} is due but still waiting"
            for t, iid, spec in rows]


def _open_cases(world: World) -> list[tuple[int, str, int]]:
    with session_scope(world.engine) as s:
        return [tuple(r) for r in s.execute(  # type: ignore[misc]
            select(TransferCase.id, TransferCase.number, TransferCase.instance_id)
            .where(TransferCase.status.not_in(FINAL_STATUSES))
            .order_by(TransferCase.id)).all()]


def _go_on(world: World, iid: int, rng: Any) -> str | None:
    """Complete the instance's first open task, or fire its next timer; None when it moved."""
    with session_scope(world.engine) as s:
        version = s.scalar(select(Instance.version).where(Instance.id == iid))
        if s.scalar(select(Incident.id).where(Incident.instance_id == iid,
                                              Incident.status == "open")) is not None:
            return "has an open incident"
        task = s.execute(select(HumanTask.id, HumanTask.task_spec, Org.code, HumanTask.role)
                         .join(Org, Org.id == HumanTask.assignee_org_id)
                         .where(HumanTask.instance_id == iid, HumanTask.status == "open")
                         .order_by(HumanTask.id)).first()
        timer = s.scalar(select(Timer.due_at).where(Timer.instance_id == iid,
                                                    Timer.status == "waiting")
                         .order_by(Timer.due_at))
        target = s.scalar(select(Org.code).join(TransferCase, TransferCase.to_org_id == Org.id)
                          .where(TransferCase.instance_id == iid))
    if task is not None:
        task_id, spec, org, role = task
        data = task_data(spec, target, rng)
        if data.get("decision") == "send_back" or data.get("result") == "problem":
            data = task_data(spec, target, _Never())
        with session_scope(world.engine, write=True) as s:
            tasks.complete_task(s, world.settings, SystemClock(), task_id, actor_of(org, role),
                                data)
    elif timer is not None:
        with session_scope(world.engine, write=True) as s:
            fired = fire_due(s, workflow.engine_config(world.settings), FixedClock(timer), iid)
        if not fired:
            return "its next timer did not fire"
    else:
        return "has neither an open task nor a waiting timer"
    with session_scope(world.engine) as s:
        after = s.scalar(select(Instance.version).where(Instance.id == iid))
    return None if after != version else "did not change"


class _Never:
    """A random source that never chooses the rare branches (send-back, archive problem)."""

    def random(self) -> float:
        return 1.0


def every_case_goes_on(world: World, rng: Any) -> tuple[int, list[str]]:
    """(open cases, those that cannot go on)."""
    stuck = []
    cases = _open_cases(world)
    for _case_id, number, iid in cases:
        try:
            why = _go_on(world, iid, rng)
        except Exception as exc:
            why = f"{type(exc).__name__}: {exc}"
        if why:
            stuck.append(f"case {number} (instance {iid}): {why}")
    return len(cases), stuck
