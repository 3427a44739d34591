"""Running the fixture diagrams: every path persists and reloads between steps."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.engine.serializer import cached_specs, dump_state, load_state
from app.errors import Conflict, Forbidden, InvalidData, NotFound
from app.models import Deployment, Incident, Instance
from app.services import tasks, workflow
from tests.engine.conftest import at, open_tasks

T0 = at("2026-03-02T09:00")  # a Monday


def start(engine, settings, process_id, data, who="alice"):
    with session_scope(engine, write=True) as s:
        return workflow.start_process(s, settings, T0, process_id, data, who).id


def complete(engine, settings, task_id, who, data=None, clock=T0):
    with session_scope(engine, write=True) as s:
        return tasks.complete_task(s, settings, clock, task_id, who, data or {})


def task_list(engine, instance_id):
    with session_scope(engine) as s:
        return [(t.id, t.task_spec, t.title) for t in open_tasks(s, instance_id)]


def status(engine, instance_id):
    with session_scope(engine) as s:
        return s.get(Instance, instance_id).status


def test_state_round_trip_is_stable(deployed, settings) -> None:
    iid = start(deployed, settings, "loop_review", {"first_org": "A", "second_org": "B"})
    with session_scope(deployed) as s:
        row = s.get(Instance, iid)
        dep = s.get(Deployment, row.deployment_id)
        spec, subs = cached_specs(dep.content_hash, dep.spec_json)
        again = dump_state(load_state(row.state, spec, subs))
        assert json.loads(again) == json.loads(row.state)
        assert "spec" not in json.loads(row.state) and row.state_schema == 1
        assert json.loads(row.state)["serializer_version"]


def test_rejection_loop_then_approval(deployed, settings) -> None:
    iid = start(deployed, settings, "loop_review", {"first_org": "A", "second_org": "B"})
    [(first, spec, title)] = task_list(deployed, iid)
    assert (spec, title) == ("review", "初审")
    complete(deployed, settings, first, "alice", {"decision": "send_back", "comment": "缺材料"})
    [(again, spec, _)] = task_list(deployed, iid)
    assert spec == "review" and again != first
    complete(deployed, settings, again, "alice", {"decision": "approve"})
    [(second, spec, _)] = task_list(deployed, iid)
    assert spec == "second"
    complete(deployed, settings, second, "bob", {"decision": "approve"})
    assert status(deployed, iid) == "completed" and task_list(deployed, iid) == []


def test_parallel_branches_join(deployed, settings) -> None:
    iid = start(deployed, settings, "parallel_review", {"first_org": "A", "second_org": "B"})
    left, right = task_list(deployed, iid)
    complete(deployed, settings, right[0], "bob")
    assert [t[1] for t in task_list(deployed, iid)] == ["left"]
    complete(deployed, settings, left[0], "alice")
    assert status(deployed, iid) == "completed"


def test_sequential_multi_instance_over_a_runtime_list(deployed, settings) -> None:
    iid = start(deployed, settings, "levels", {"approvers": ["A", "B", "A"]})
    seen = []
    for who in ("alice", "bob", "alice"):
        [(tid, _spec, title)] = task_list(deployed, iid)
        seen.append(title)
        complete(deployed, settings, tid, who)
    assert seen == ["审批：A", "审批：B", "审批：A"]
    assert status(deployed, iid) == "completed"
    with session_scope(deployed) as s:
        row = s.get(Instance, iid)
        dep = s.get(Deployment, row.deployment_id)
        wf = load_state(row.state, *cached_specs(dep.content_hash, dep.spec_json))
        assert wf.data["approved"] == ["A", "B", "A"]


def test_call_activity_runs_the_called_process(deployed, settings) -> None:
    iid = start(deployed, settings, "caller", {"first_org": "A", "second_org": "B"})
    [(inner, spec, _)] = task_list(deployed, iid)
    assert spec == "inner"
    complete(deployed, settings, inner, "bob", {"decision": "approve"})
    [(after, spec, _)] = task_list(deployed, iid)
    assert spec == "after"
    complete(deployed, settings, after, "alice")
    assert status(deployed, iid) == "completed"


def test_failing_service_task_becomes_an_incident_and_can_be_retried(deployed, settings,
                                                                     recorder) -> None:
    iid = start(deployed, settings, "failing", {"first_org": "A"})
    with session_scope(deployed) as s:
        [incident] = s.scalars(select(Incident).where(Incident.instance_id == iid)).all()
        assert incident.task_spec == "work" and incident.error_type == "RuntimeError"
        assert "archive service is down" in incident.message
    assert task_list(deployed, iid) == []
    with session_scope(deployed, write=True) as s, pytest.raises(NotFound):
        workflow.retry_instance(s, settings, T0, iid + 1000, "alice")
    recorder.fail = False
    with session_scope(deployed, write=True) as s:
        assert workflow.retry_instance(s, settings, T0, iid, "alice") == 1
    assert [t[1] for t in task_list(deployed, iid)] == ["after"]
    with session_scope(deployed) as s:
        assert s.get(Incident, incident.id).status == "resolved"


def test_refusals_change_nothing(deployed, settings) -> None:
    iid = start(deployed, settings, "loop_review", {"first_org": "A", "second_org": "B"})
    [(tid, _, _)] = task_list(deployed, iid)
    with pytest.raises(Forbidden, match="another organisation"):
        complete(deployed, settings, tid, "bob", {"decision": "approve"})
    with pytest.raises(InvalidData) as bad:
        complete(deployed, settings, tid, "alice", {"decision": "maybe", "route": "x"})
    assert set(bad.value.fields) == {"decision", "route"}
    with pytest.raises(InvalidData):
        complete(deployed, settings, tid, "alice", {})
    assert task_list(deployed, iid) == [(tid, "review", "初审")]
    complete(deployed, settings, tid, "alice", {"decision": "approve"})
    with pytest.raises(Conflict, match="already completed"):
        complete(deployed, settings, tid, "alice", {"decision": "approve"})
    with pytest.raises(NotFound):
        complete(deployed, settings, 99999, "alice", {})
    with pytest.raises(NotFound, match="not deployed"):
        start(deployed, settings, "no_such_process", {})


def test_new_instances_use_the_newest_version_running_ones_keep_theirs(deployed,
                                                                       settings) -> None:
    old = start(deployed, settings, "loop_review", {"first_org": "A", "second_org": "B"})
    path = settings.path(settings.bpmn_dir) / "loop_review.bpmn"
    changed = path.read_bytes().replace("初审".encode(), "初审（新版）".encode())
    with session_scope(deployed, write=True) as s:
        same = workflow.deploy(s, settings, T0, {"loop_review.bpmn": path.read_bytes()}, "p")
        assert [(r.version, r.created) for r in same] == [(1, False)]
        new = workflow.deploy(s, settings, T0, {"loop_review.bpmn": changed}, "p", "改名")
        assert [(r.version, r.created) for r in new] == [(2, True)]
    fresh = start(deployed, settings, "loop_review", {"first_org": "A", "second_org": "B"})
    assert task_list(deployed, fresh)[0][2] == "初审（新版）"
    assert task_list(deployed, old)[0][2] == "初审"
    [(tid, _, _)] = task_list(deployed, old)
    complete(deployed, settings, tid, "alice", {"decision": "approve"})
    assert task_list(deployed, old)[0][1] == "second"
