"""Hostile input: schemathesis generates requests from the OpenAPI document and sends them
with valid tokens. No answer may be a server error, every answer must conform to the
document (status, content type, headers, body schema), and nothing outside the users'
reach may change. Deterministic: hypothesis derandomized, a fixed number of examples."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from app import create_app
from app.db import session_scope
from app.engine import audit
from app.models import HumanTask, TransferCase, User
from app.policy import case_visibility
from tests.procedures.conftest import World
from tests.web.api.conftest import add_extra_users, new_token

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES = 14
USERS = ("op-CS-YL-P1", "sec-CS-YL-P1-B1", "mgr-CS-YL")
MIN_REQUESTS = 1000  # the issue asks for at least 1,000 generated requests
STATS: dict = {}


def _outside(world: World, username: str) -> dict[str, Any]:
    """What *username* may not change: other organisations' tasks, cases out of sight."""
    with session_scope(world.engine) as s:
        user = s.scalar(select(User).where(User.username == username))
        tasks = s.execute(select(HumanTask.id, HumanTask.status, HumanTask.claimed_by,
                                 HumanTask.completed_by)
                          .where(HumanTask.assignee_org_id != user.org_id)).all()
        cases = s.execute(select(TransferCase.id, TransferCase.status,
                                 TransferCase.updated_at)
                          .where(~case_visibility(s, user))).all()
        return {"tasks": sorted(tasks), "cases": sorted(cases)}


@pytest.fixture
def fuzz_world(world: World) -> World:
    add_extra_users(world)
    for who, member, to in (("sec-CS-YL-P1-B1", "M-YL", "CS-YL-P2-B1"),
                            ("sec-HN-JG-SW-B1", "M-SW", "CS-YH-P1-B1"),
                            ("sec-CS-YL-JY-P1-B1", "M-JY", "CS-YH-P1-B1")):
        world.start("2026-03-02T09:00", who, kind="intra", member=member, target_branch=to)
    return world


def _real_ids(world: World) -> dict[str, list[Any]]:
    """Path parameters that name real objects: every case and task, some organisations."""
    with session_scope(world.engine) as s:
        return {"case": list(s.scalars(select(TransferCase.number))),
                "task_id": list(s.scalars(select(HumanTask.id))),
                "code": ["CS-YL", "CS-YL-P1-B1", "HN"]}


def _fuzz(operation: Any, headers: dict[str, str], mode: GenerationMode,
          path: dict[str, Any] | None, examples: int) -> int:
    sent = 0

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode, headers=headers,
                                      path_parameters=path))
    def run(case: Any) -> None:
        nonlocal sent
        response = case.call()
        sent += 1
        case.validate_response(response, checks=CHECKS)

    run()
    return sent


def test_schemathesis_finds_no_server_error_and_no_drift(fuzz_world: World) -> None:
    app = create_app({"database_url": fuzz_world.settings.database_url, "TESTING": True})
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    real = _real_ids(fuzz_world)
    sent = 0
    for username in USERS:
        before = _outside(fuzz_world, username)
        headers = {"Authorization": f"Bearer {new_token(fuzz_world, username)}"}
        for result in schema.get_all_operations():
            operation = result.ok()
            names = {p.name for p in operation.path_parameters}
            sent += _fuzz(operation, headers, GenerationMode.POSITIVE, None, EXAMPLES)
            if len(operation.query) or names or len(operation.body):  # something to break
                sent += _fuzz(operation, headers, GenerationMode.NEGATIVE, None, EXAMPLES // 2)
            for name in names & set(real):  # the same on objects that exist
                for value in real[name]:
                    sent += _fuzz(operation, headers, GenerationMode.POSITIVE,
                                  {name: value}, 3)
        assert _outside(fuzz_world, username) == before, f"{username} changed what is not theirs"
    assert sent >= MIN_REQUESTS, sent
    with session_scope(fuzz_world.engine) as s:
        assert audit.verify(s) == []
