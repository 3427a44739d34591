"""PostgreSQL under concurrency: one completion wins, and two schedulers fire each timer once."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import uuid

import pytest
from sqlalchemy import func, insert, select

from app.db import session_scope
from app.errors import Conflict
from app.models import AuditEvent, HumanTask, Instance, Timer
from app.services import tasks, workflow
from tests.engine.conftest import at, open_tasks

pytestmark = pytest.mark.parametrize("db_url", ["pg"], indirect=True)
T0 = at("2026-03-02T09:00")
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def test_two_threads_complete_one_task_exactly_one_wins(deployed, settings, db_url) -> None:
    with session_scope(deployed, write=True) as s:
        iid = workflow.start_process(s, settings, T0, "loop_review",
                                     {"first_org": "A", "second_org": "B"}, "alice").id
    with session_scope(deployed) as s:
        [task] = open_tasks(s, iid)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt() -> None:
        barrier.wait()
        try:
            with session_scope(deployed, write=True) as s:
                tasks.complete_task(s, settings, T0, task.id, "alice", {"decision": "approve"})
            outcomes.append("ok")
        except Conflict as exc:
            outcomes.append(f"refused: {exc}")

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes)[0] == "ok" and sorted(outcomes)[1].startswith("refused: task")
    with session_scope(deployed) as s:
        assert [t.task_spec for t in open_tasks(s, iid)] == ["second"]
        done = s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.instance_id == iid, AuditEvent.action == "task_completed"))
        assert done == 1


def _clone(session, row: Instance, n: int) -> None:
    """Copy one waiting instance n times with fresh task ids (fast set-up of many timers)."""
    timer = session.scalar(select(Timer).where(Timer.instance_id == row.id))
    human = session.scalar(select(HumanTask).where(HumanTask.instance_id == row.id))
    for _ in range(n):
        ids: dict[str, str] = {}
        state = UUID_RE.sub(lambda m, ids=ids: ids.setdefault(m.group(0), str(uuid.uuid4())),
                            row.state)
        new_id = session.execute(insert(Instance).values(
            deployment_id=row.deployment_id, process_id=row.process_id, status="running",
            state=state, state_schema=row.state_schema, version=1, started_at=row.started_at,
            started_by=row.started_by, updated_at=row.updated_at).returning(Instance.id)).scalar()
        session.execute(insert(Timer).values(
            instance_id=new_id, task_guid=ids[timer.task_guid], task_spec=timer.task_spec,
            due_at=timer.due_at, status="waiting", due_provisional=False))
        session.execute(insert(HumanTask).values(
            instance_id=new_id, task_guid=ids[human.task_guid], task_spec=human.task_spec,
            title=human.title, assignee_org_id=human.assignee_org_id, role=human.role,
            status="open", created_at=human.created_at, overdue=False,
            due_provisional=False))


def test_two_schedulers_fire_each_of_1000_timers_once(deployed, settings, db_url) -> None:
    with session_scope(deployed, write=True) as s:
        first = workflow.start_process(s, settings, T0, "timer_fanout",
                                       {"first_org": "A", "due": "2026-03-03T00:00:00+08:00",
                                        "reminders": []}, "alice")
        _clone(s, first, 999)
    env = {**os.environ, "ZHUANJIE_DATABASE_URL": db_url}
    cmd = [sys.executable, "-m", "app.cli", "timers", "fire", "--as-of",
           "2026-03-03T08:00:00+08:00", "--json"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env) for _ in range(2)]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        results.append(json.loads(out))
    assert sum(r["timers_fired"] for r in results) == 1000
    assert all(r["timers_fired"] > 0 for r in results)  # both did part of the work
    with session_scope(deployed) as s:
        assert s.scalar(select(func.count()).select_from(Timer)
                        .where(Timer.status == "fired")) == 1000
        per_instance = s.execute(select(AuditEvent.instance_id, func.count())
                                 .where(AuditEvent.action == "timer_fired")
                                 .group_by(AuditEvent.instance_id)).all()
        assert len(per_instance) == 1000 and {c for _, c in per_instance} == {1}
        sample = s.scalars(select(Instance).order_by(Instance.id).limit(5)).all()
        assert all(json.loads(i.state)["tasks"] for i in sample)
