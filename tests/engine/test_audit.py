"""The audit chain verifies, and names the first event that was edited, inserted or removed."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from app.db import session_scope
from app.engine import audit
from app.models import AuditEvent
from app.services import tasks, workflow
from tests.engine.conftest import at, open_tasks

T0 = at("2026-03-02T09:00")


def run_a_case(engine, settings) -> int:
    with session_scope(engine, write=True) as s:
        iid = workflow.start_process(s, settings, T0, "loop_review",
                                     {"first_org": "A", "second_org": "B"}, "alice").id
    with session_scope(engine, write=True) as s:
        [task] = open_tasks(s, iid)
        tasks.complete_task(s, settings, T0, task.id, "alice",
                            {"decision": "send_back", "comment": "请补充材料"})
    return iid


def verify(engine):
    with session_scope(engine) as s:
        return audit.verify(s)


def test_history_records_who_what_when(deployed, settings) -> None:
    iid = run_a_case(deployed, settings)
    with session_scope(deployed) as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.instance_id == iid)
                           .order_by(AuditEvent.seq)).all()
    actions = [e.action for e in events]
    assert actions[0] == "instance_started" and "task_completed" in actions
    done = next(e for e in events if e.action == "task_completed")
    assert done.actor == "alice" and done.comment == "请补充材料"
    assert done.changes["decision"] == {"new": "send_back"}
    assert verify(deployed) == []


def test_an_edited_event_is_named(deployed, settings) -> None:
    iid = run_a_case(deployed, settings)
    with session_scope(deployed, write=True) as s:
        target = s.scalar(select(AuditEvent).where(AuditEvent.instance_id == iid,
                                                   AuditEvent.action == "task_completed"))
        s.execute(update(AuditEvent).where(AuditEvent.id == target.id)
                  .values(comment="同意"))
    [fault] = verify(deployed)
    assert fault.event_id == target.id and "altered" in fault.reason


def test_a_removed_last_event_is_detected(deployed, settings) -> None:
    iid = run_a_case(deployed, settings)
    with session_scope(deployed, write=True) as s:
        last = s.scalar(select(AuditEvent).where(AuditEvent.instance_id == iid)
                        .order_by(AuditEvent.seq.desc()).limit(1))
        s.execute(delete(AuditEvent).where(AuditEvent.id == last.id))
    [fault] = verify(deployed)
    assert fault.chain == audit.instance_chain(iid) and "missing" in fault.reason


def test_a_removed_middle_event_is_detected(deployed, settings) -> None:
    iid = run_a_case(deployed, settings)
    with session_scope(deployed, write=True) as s:
        second = s.scalar(select(AuditEvent).where(AuditEvent.instance_id == iid,
                                                   AuditEvent.seq == 2))
        s.execute(delete(AuditEvent).where(AuditEvent.id == second.id))
    [fault] = verify(deployed)
    assert fault.seq == 2 and "missing" in fault.reason
