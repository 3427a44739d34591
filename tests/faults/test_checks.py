"""The fault run's own pieces, on an ordinary test database: its checks find what they look
for, and its timer advance makes a timer fire exactly once through the normal sweep."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update

from app.db import session_scope
from app.engine import audit
from app.engine.clock import SystemClock
from app.models import AuditEvent, HumanTask, TransferCase
from app.models.engine import Timer
from app.services import doctor, workflow
from tests.faults import checks
from tests.faults.load import Tally
from tests.faults.world import World, make_due
from tests.procedures.conftest import World as Procedures


def _now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _start(proc: Procedures):
    return proc.start(_now_text(), "sec-CS-YL-JY-P1-B1", kind="intra", member="M-JY",
                      target_branch="CS-YH-P1-B1")


def _faults_world(proc: Procedures) -> World:
    return World(url=str(proc.engine.url), engine=proc.engine, settings=proc.settings,
                 tokens={}, members={})


def test_an_acknowledged_completion_must_be_in_the_database(world: Procedures) -> None:
    case = _start(world)
    fw, tally = _faults_world(world), Tally()
    task = world.task(case, "initiate")
    tally.acked[task.id] = "op-CS-YL-JY-P1"
    tally.started[case.number] = case.instance_id or 0
    tally.started["ZJ-NOT-THERE"] = 0
    lost = checks.lost_completions(fw, tally)
    assert any(f"task {task.id}" in x and "open" in x for x in lost)
    assert any("ZJ-NOT-THERE" in x for x in lost) and len(lost) == 2
    world.do(case, "initiate", "op-CS-YL-JY-P1", _now_text(), {"decision": "initiate"})
    assert checks.lost_completions(fw, tally) == ["case ZJ-NOT-THERE: start acknowledged but "
                                                  "missing"]
    tally.acked[task.id] = "op-CS-YL"  # acknowledged to someone else
    assert any(f"task {task.id}" in x for x in checks.lost_completions(fw, tally))


def test_a_timer_made_due_fires_once_and_a_second_firing_is_found(world: Procedures) -> None:
    case = _start(world)
    fw = _faults_world(world)
    with session_scope(world.engine) as s:
        timer = s.scalar(select(Timer).where(Timer.instance_id == case.instance_id,
                                             Timer.status == "waiting"))
    assert make_due(fw, case.instance_id, timer.task_guid, datetime.now(UTC) - timedelta(seconds=1))
    assert checks.unfired(fw) != []
    assert workflow.fire_timers(world.engine, world.settings, SystemClock()).timers_fired == 1
    assert checks.unfired(fw) == []
    assert not make_due(fw, case.instance_id, timer.task_guid, datetime.now(UTC))
    assert checks.timer_fires(fw) == (1, [])
    assert doctor.diagnose(world.engine).clean
    with session_scope(world.engine, write=True) as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "timer_fired"))
        audit.append(s, chain=audit.instance_chain(case.instance_id), at=event.at,
                     actor=event.actor, action="timer_fired", instance_id=case.instance_id,
                     task_guid=event.task_guid, task_spec=event.task_spec,
                     changes=event.changes)
    fired, twice = checks.timer_fires(fw)
    assert fired == 2 and len(twice) == 1 and timer.task_guid in twice[0]


def test_open_cases_go_on_and_a_stuck_one_is_named(world: Procedures) -> None:
    moving, stuck = _start(world), world.start(_now_text(), "sec-CS-YL-P1-B1", kind="intra",
                                               member="M-YL", target_branch="CS-YL-P2-B1")
    with session_scope(world.engine, write=True) as s:
        s.execute(delete(HumanTask).where(HumanTask.instance_id == stuck.instance_id))
        s.execute(delete(Timer).where(Timer.instance_id == stuck.instance_id))
    opened, found = checks.every_case_goes_on(_faults_world(world), random.Random(1))
    assert opened == 2
    assert len(found) == 1 and stuck.number in found[0] and "neither" in found[0]
    assert world.open_specs(moving) == ["approve", "archive_review"]


def test_a_member_with_two_open_cases_is_found(world: Procedures) -> None:
    first, second = _start(world), world.start(_now_text(), "sec-CS-YL-P1-B1", kind="intra",
                                               member="M-YL", target_branch="CS-YL-P2-B1")
    fw = _faults_world(world)
    assert checks.members_with_two_open_cases(fw) == []
    with session_scope(world.engine, write=True) as s:
        s.execute(update(TransferCase).where(TransferCase.id == second.id)
                  .values(member_id=first.member_id))
    assert checks.members_with_two_open_cases(fw) == [
        f"member {first.member_id} has 2 open cases"]
