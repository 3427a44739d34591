"""A finished case keeps its workflow state packed; a running one keeps plain JSON."""

from __future__ import annotations

import json

from app.db import session_scope
from app.engine.serializer import PACKED, cached_specs, dump_state, load_state, state_json
from app.models import Deployment, Instance
from app.services import case_diagram
from tests.procedures.conftest import World
from tests.procedures.test_intra_province import (
    APPROVE,
    INITIATE,
    PASS,
    start_cross_county,
)


def _row(world: World, case) -> tuple[str, str]:
    with session_scope(world.engine) as s:
        row = s.get(Instance, case.instance_id)
        return row.status, row.state


def test_finished_case_state_is_packed_and_restores(world: World) -> None:
    case = start_cross_county(world)
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    status, running_state = _row(world, case)
    assert status == "running" and running_state.startswith("{")
    for level in ("CS-YL-JY", "CS-YL", "CS-YH"):
        world.do(case, "approve", f"op-{level}", "2026-03-03T10:00", APPROVE, org=level)
    world.do(case, "archive_review", "op-CS-YH", "2026-03-04T10:00", PASS)
    world.do(case, "receive", "op-CS-YH-P1", "2026-03-05T10:00",
             {"target_branch": "CS-YH-P1-B1", "record_checked": True})
    world.do(case, "report", "sec-CS-YH-P1-B1", "2026-03-09T10:00",
             {"reported_on": "2026-03-09"})
    status, state = _row(world, case)
    assert status == "completed" and state.startswith(PACKED)
    plain = state_json(state)
    assert len(state) < len(plain) and json.loads(plain)["completed"] is True
    with session_scope(world.engine) as s:
        row = s.get(Instance, case.instance_id)
        dep = s.get(Deployment, row.deployment_id)
        wf = load_state(state, *cached_specs(dep.content_hash, dep.spec_json))
        assert wf.completed
        assert json.loads(dump_state(wf)) == json.loads(plain)
        assert state_json(dump_state(wf, packed=True)) == dump_state(wf)
        assert case_diagram.case_diagrams(s, case.instance_id, row.ended_at)
