"""Suspend and resume an instance: no timer fires and no task completes while suspended."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.engine import operations
from app.errors import NotAllowed
from app.models import AuditEvent, Instance
from app.services import tasks, workflow
from tests.engine.conftest import at, open_tasks
from tests.engine.test_timers import fire, start_timers


def _set(engine, settings, op, iid, when, reason="核查档案"):
    with session_scope(engine, write=True) as s:
        return op(s, workflow.engine_config(settings), at(when), iid, "mgr", reason).status


def test_suspended_instance_fires_no_timer_and_completes_no_task(deployed, settings,
                                                                 recorder) -> None:
    iid = start_timers(deployed, settings, at("2026-02-12T10:00"))
    assert _set(deployed, settings, operations.suspend, iid, "2026-02-13T09:00") == "suspended"
    result = fire(deployed, settings, "2026-03-02T00:00:00+08:00")
    assert (result.timers_fired, result.overdue_marked) == (0, 0)
    assert recorder.calls == []
    with session_scope(deployed, write=True) as s:
        [task] = open_tasks(s, iid)
        with pytest.raises(NotAllowed, match="suspended"):
            tasks.complete_task(s, settings, at("2026-03-02T10:00"), task.id, "alice", {})
    assert _set(deployed, settings, operations.resume, iid, "2026-03-02T11:00") == "running"
    result = fire(deployed, settings, "2026-03-02T12:00:00+08:00")
    assert (result.timers_fired, result.overdue_marked) == (1, 1)
    with session_scope(deployed) as s:
        events = s.execute(select(AuditEvent.action, AuditEvent.actor, AuditEvent.comment)
                           .where(AuditEvent.instance_id == iid,
                                  AuditEvent.action.like("instance_%"))
                           .order_by(AuditEvent.seq)).all()
        assert [tuple(e) for e in events] == [
            ("instance_started", "alice", None), ("instance_suspended", "mgr", "核查档案"),
            ("instance_resumed", "mgr", "核查档案")]
        assert s.get(Instance, iid).status == "running"


def test_suspend_needs_a_reason_and_a_running_instance(deployed, settings, recorder) -> None:
    iid = start_timers(deployed, settings, at("2026-02-12T10:00"))
    with pytest.raises(NotAllowed, match="reason"):
        _set(deployed, settings, operations.suspend, iid, "2026-02-13T09:00", reason="  ")
    with pytest.raises(NotAllowed, match="not suspended"):
        _set(deployed, settings, operations.resume, iid, "2026-02-13T09:00")
    _set(deployed, settings, operations.suspend, iid, "2026-02-13T09:00")
    with pytest.raises(NotAllowed, match="not running"):
        _set(deployed, settings, operations.suspend, iid, "2026-02-13T10:00")
    with session_scope(deployed, write=True) as s:  # a suspended instance can still be cancelled
        operations.cancel(s, workflow.engine_config(settings), at("2026-02-13T11:00"), iid,
                          "mgr", "重复申请")
        assert s.get(Instance, iid).status == "cancelled" and open_tasks(s, iid) == []
