"""Working-day timers: due instants across holidays, firing on time, once, with the clock."""

from __future__ import annotations

from sqlalchemy import select

from app.db import session_scope
from app.engine.clock import parse_instant
from app.models import AuditEvent, HumanTask, Timer
from app.services import calendar as calendar_service
from app.services import tasks, workflow
from tests.engine.conftest import at, open_tasks


def start_timers(engine, settings, clock):
    with session_scope(engine, write=True) as s:
        return workflow.start_process(s, settings, clock, "deadline_timers",
                                      {"first_org": "A", "second_org": "B"}, "alice").id


def fire(engine, settings, when):
    return workflow.fire_timers(engine, settings, at(when))


def timer_rows(engine, iid):
    with session_scope(engine) as s:
        return [(t.task_spec, t.status, t.due_at, t.due_provisional)
                for t in s.scalars(select(Timer).where(Timer.instance_id == iid)
                                   .order_by(Timer.id))]


def test_five_working_days_across_the_spring_festival(deployed, settings, recorder) -> None:
    iid = start_timers(deployed, settings, at("2026-02-12T10:00"))
    due = parse_instant("2026-02-27T00:00:00+08:00")
    assert timer_rows(deployed, iid) == [("remind", "waiting", due, False)]
    with session_scope(deployed) as s:
        [task] = open_tasks(s, iid)
        assert task.due_at == due and task.due_basis["from"] == "2026-02-12"
    assert fire(deployed, settings, "2026-02-26T23:59:59+08:00").timers_fired == 0
    assert recorder.calls == []
    result = fire(deployed, settings, "2026-02-27T00:00:00+08:00")
    assert (result.timers_fired, result.overdue_marked) == (1, 1)
    assert recorder.calls == [{"instance": iid, "what": "overdue"}]
    assert fire(deployed, settings, "2026-03-05T00:00:00+08:00").timers_fired == 0
    assert len(recorder.calls) == 1
    with session_scope(deployed) as s:
        [task] = open_tasks(s, iid)
        assert task.task_spec == "handle" and task.overdue
        fired = s.scalars(select(AuditEvent).where(AuditEvent.instance_id == iid,
                                                   AuditEvent.action == "timer_fired")).all()
        assert [e.actor for e in fired] == ["system:timer"]


def test_interrupting_timer_cancels_its_task(deployed, settings, recorder) -> None:
    iid = start_timers(deployed, settings, at("2026-09-29T10:00"))
    with session_scope(deployed, write=True) as s:
        [task] = open_tasks(s, iid)
        tasks.complete_task(s, settings, at("2026-09-30T11:00"), task.id, "alice", {})
    # 2 working days after 2026-09-30 skip the National Day week: 10/8, 10/9 → due 10/10 00:00
    due = parse_instant("2026-10-10T00:00:00+08:00")
    assert ("expire", "waiting", due, False) in timer_rows(deployed, iid)
    fire(deployed, settings, "2026-10-09T23:59:00+08:00")
    with session_scope(deployed) as s:
        assert [t.task_spec for t in open_tasks(s, iid)] == ["escalate"]
    fire(deployed, settings, "2026-10-10T00:00:00+08:00")
    with session_scope(deployed) as s:
        assert open_tasks(s, iid) == []
        escalate = s.scalar(select(HumanTask).where(HumanTask.instance_id == iid,
                                                    HumanTask.task_spec == "escalate"))
        assert escalate.status == "cancelled"
        assert workflow.instance_detail(s, iid)["status"] == "completed"


def test_provisional_deadline_is_recomputed_when_official_days_arrive(deployed, settings,
                                                                      recorder) -> None:
    iid = start_timers(deployed, settings, at("2026-12-28T10:00"))
    # provisional 2027: 1/1 is a holiday, no adjusted days: 12/29, 12/30, 12/31, 1/4, 1/5
    provisional_due = parse_instant("2027-01-06T00:00:00+08:00")
    assert timer_rows(deployed, iid) == [("remind", "waiting", provisional_due, True)]
    notice = {"year": 2027, "holidays": [{"name": "元旦", "from": "2027-01-01",
                                          "to": "2027-01-05"}], "workdays": []}
    with session_scope(deployed, write=True) as s:
        change = calendar_service.import_year_notice(s, 2027, notice, "policy")
        assert change.recomputed == 2
    official_due = parse_instant("2027-01-08T00:00:00+08:00")  # 12/29–31, 1/6, 1/7
    assert timer_rows(deployed, iid) == [("remind", "waiting", official_due, False)]
    with session_scope(deployed) as s:
        [task] = open_tasks(s, iid)
        assert task.due_at == official_due and not task.due_provisional
        events = s.scalars(select(AuditEvent).where(
            AuditEvent.instance_id == iid, AuditEvent.action == "deadline_recomputed")).all()
        assert len(events) == 2
    assert fire(deployed, settings, "2027-01-07T23:00:00+08:00").timers_fired == 0
    assert fire(deployed, settings, "2027-01-08T00:00:00+08:00").timers_fired == 1
