"""The OpenAPI document matches the implementation: every API route is documented, and every
documented response status of every operation is produced by a request below, with a body
that validates against the documented schema."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from jsonschema import Draft202012Validator
from sqlalchemy import select

from app import create_app
from app.db import session_scope
from app.models import HumanTask, Notification, Org, TransferCase
from app.services import throttle
from app.web.api.core import OPERATIONS
from app.web.api.openapi import document
from tests.procedures.conftest import World
from tests.web.api.conftest import Api, add_extra_users, new_token

BLOCKED_IP = "10.9.9.9"
LETTER = {"reason": "工作调动", "contact_phone": "13800000000", "validity_days": 30}


@dataclass
class Ctx:
    world: World
    app: Flask
    sec: Api          # sec-CS-YL-P1-B1
    op: Api           # op-CS-YL-P1
    mgr: Api          # mgr-CS-YL
    admin: Api
    policy: Api
    case: str         # M-YL → CS-YL-P2-B1, initiate open at CS-YL-P1
    other: str        # M-SW, outside CS-YL
    task: int         # the initiate task of ``case``
    other_task: int
    done_task: int    # a completed task of ``case``'s organisation
    note: int
    other_note: int
    op_p2: Api        # op-CS-YL-P2, with the open initiate task ``p2_task`` (M-P2)
    p2_task: int
    op_jy: Api        # op-CS-YL-JY-P1, initiator of the case the 201 example starts


def case_of(c: Ctx, member: str) -> str:
    from app.models import Member

    with session_scope(c.world.engine) as s:
        return s.scalar(select(TransferCase.number).join(
            Member, Member.id == TransferCase.member_id).where(Member.code == member))


def _open(world: World, number: str, spec: str) -> int:
    with session_scope(world.engine) as s:
        return s.scalar(select(HumanTask.id).join(
            TransferCase, TransferCase.instance_id == HumanTask.instance_id).where(
            TransferCase.number == number, HumanTask.task_spec == spec))


def _note(world: World, code: str) -> int:
    with session_scope(world.engine, write=True) as s:
        org = s.scalar(select(Org).where(Org.code == code))
        row = Notification(created_at=datetime.now(UTC), org_id=org.id, kind="overdue",
                           subject="提醒", body="请办理", dedupe_key=f"doc:{code}",
                           status="sent", attempts=1)
        s.add(row)
        s.flush()
        return row.id


@pytest.fixture
def ctx(world: World) -> Ctx:
    add_extra_users(world)
    case = world.start("2026-03-02T09:00", "sec-CS-YL-P1-B1", kind="intra", member="M-YL",
                       target_branch="CS-YL-P2-B1")
    other = world.start("2026-03-02T09:00", "sec-HN-JG-SW-B1", kind="intra", member="M-SW",
                        target_branch="CS-YH-P1-B1")
    done = world.start("2026-03-02T09:00", "sec-CS-YL-P1-V-B1", kind="intra", member="M-V",
                       target_branch="CS-YL-P2-B1")
    world.do(done, "initiate", "op-CS-YL-P1", "2026-03-02T10:00",
             {"decision": "send_back", "reason_code": "info_incomplete"})
    p2 = world.start("2026-03-02T09:00", "sec-CS-YL-P2-B1", kind="intra", member="M-P2",
                     target_branch="CS-YL-P1-B1")
    app = create_app({"database_url": world.settings.database_url, "TESTING": True})

    def api(user: str) -> Api:
        return Api(app.test_client(), new_token(world, user))

    with session_scope(world.engine, write=True) as s:
        for _ in range(world.settings.api_max_auth_failures_per_ip):
            throttle.record(s, throttle.api_limit(world.settings), BLOCKED_IP, "failure",
                            datetime.now(UTC))
    return Ctx(world, app, api("sec-CS-YL-P1-B1"), api("op-CS-YL-P1"), api("mgr-CS-YL"),
               api("admin-HN"), api("policy-HN"), case.number, other.number,
               _open(world, case.number, "initiate"), _open(world, other.number, "initiate"),
               _open(world, done.number, "initiate"), _note(world, "CS-YL-P1"),
               _note(world, "HN-JG-SW"), api("op-CS-YL-P2"), _open(world, p2.number, "initiate"),
               api("op-CS-YL-JY-P1"))


Example = Callable[[Ctx], Any]
START = {"kind": "intra", "member": "M-JY", "target_branch": "CS-YH-P1-B1", "letter": LETTER}

EXAMPLES: dict[tuple[str, int], Example] = {
    ("openapi_json", 200): lambda c: c.sec.get("/openapi.json"),
    ("me", 200): lambda c: c.sec.get("/me"),
    ("list_cases", 200): lambda c: c.mgr.get("/cases", kind="intra", overdue="false",
                                             created_from="2026-03-01", member="党员"),
    ("list_cases", 400): lambda c: c.mgr.get("/cases", per_page="many"),
    ("list_cases", 403): lambda c: c.admin.get("/cases"),
    ("list_cases", 422): lambda c: c.mgr.get("/cases", org="NO-SUCH-ORG"),
    ("start_case", 201): lambda c: Api(c.sec.client, new_token(c.world, "sec-CS-YL-JY-P1-B1"))
    .post("/cases", START),
    ("start_case", 400): lambda c: c.sec.post("/cases", ["not", "an", "object"]),
    ("start_case", 403): lambda c: c.op.post("/cases", START),
    ("start_case", 404): lambda c: c.sec.post("/cases", {**START, "member": "M-NOBODY"}),
    ("start_case", 409): lambda c: c.sec.post("/cases", {**START, "member": "M-YL"}),
    ("start_case", 422): lambda c: Api(c.sec.client, new_token(c.world, "sec-CS-YH-P1-B1"))
    .post("/cases", {**START, "member": "M-YH", "target_branch": "CS-YL-P1-B1",
                     "letter": {"validity_days": 400}}),
    ("get_case", 200): lambda c: c.mgr.get(f"/cases/{c.case}", full_id="true"),
    ("get_case", 400): lambda c: c.mgr.get(f"/cases/{c.case}", full_id="maybe"),
    ("get_case", 403): lambda c: c.sec.get(f"/cases/{c.other}"),
    ("get_case", 404): lambda c: c.sec.get("/cases/ZJ2026999999"),
    ("withdraw_case", 200): lambda c: c.op_jy.post(f"/cases/{case_of(c, 'M-JY')}/withdraw",
                                                   {"reason": "党员撤回申请"}),
    ("withdraw_case", 400): lambda c: c.op.post(f"/cases/{c.case}/withdraw", {"reason": 7}),
    ("withdraw_case", 403): lambda c: c.op.post(f"/cases/{c.other}/withdraw", {"reason": "x"}),
    ("withdraw_case", 404): lambda c: c.op.post("/cases/99999/withdraw", {"reason": "x"}),
    ("withdraw_case", 409): lambda c: (c.op.post(f"/cases/{case_of(c, 'M-V')}/withdraw",
                                                 {"reason": "x"}),
                                       c.op.post(f"/cases/{case_of(c, 'M-V')}/withdraw",
                                                 {"reason": "x"}))[1],
    ("withdraw_case", 422): lambda c: c.op.post(f"/cases/{c.case}/withdraw", {"reason": ""}),
    ("list_tasks", 200): lambda c: c.op.get("/tasks", status="all", page=1, per_page=5),
    ("list_tasks", 400): lambda c: c.op.get("/tasks", status="sleeping"),
    ("list_tasks", 403): lambda c: c.policy.get("/tasks"),
    ("get_task", 200): lambda c: c.op.get(f"/tasks/{c.task}"),
    ("get_task", 403): lambda c: c.op.get(f"/tasks/{c.other_task}"),
    ("get_task", 404): lambda c: c.op.get("/tasks/987654"),
    ("claim_task", 200): lambda c: c.op.post(f"/tasks/{c.task}/claim"),
    ("claim_task", 403): lambda c: c.op.post(f"/tasks/{c.other_task}/claim"),
    ("claim_task", 404): lambda c: c.op.post("/tasks/987654/claim"),
    ("claim_task", 409): lambda c: c.op.post(f"/tasks/{c.done_task}/claim"),
    ("release_task", 200): lambda c: c.op.post(f"/tasks/{c.task}/release"),
    ("release_task", 403): lambda c: c.op.post(f"/tasks/{c.other_task}/release"),
    ("release_task", 404): lambda c: c.op.post("/tasks/987654/release"),
    ("release_task", 409): lambda c: c.op.post(f"/tasks/{c.done_task}/release"),
    ("complete_task", 200): lambda c: c.op.post(f"/tasks/{c.task}/complete",
                                                {"data": {"decision": "initiate"}}),
    ("complete_task", 400): lambda c: c.op.post(f"/tasks/{c.task}/complete", {"data": []}),
    ("complete_task", 403): lambda c: c.op.post(f"/tasks/{c.other_task}/complete",
                                                {"data": {}}),
    ("complete_task", 404): lambda c: c.op.post("/tasks/987654/complete", {"data": {}}),
    ("complete_task", 409): lambda c: c.op.post(f"/tasks/{c.done_task}/complete",
                                                {"data": {"decision": "initiate"}}),
    ("complete_task", 422): lambda c: c.op.post(f"/tasks/{c.task}/complete",
                                                {"data": {"decision": "maybe"}}),
    ("send_back_task", 200): lambda c: c.op_p2.post(f"/tasks/{c.p2_task}/send-back",
                                                 {"reason_code": "info_incomplete",
                                                  "comment": "请补充"}),
    ("send_back_task", 400): lambda c: c.op.post(f"/tasks/{c.task}/send-back", {}),
    ("send_back_task", 403): lambda c: c.op.post(f"/tasks/{c.other_task}/send-back",
                                                 {"reason_code": "other"}),
    ("send_back_task", 404): lambda c: c.op.post("/tasks/987654/send-back",
                                                 {"reason_code": "other"}),
    ("send_back_task", 409): lambda c: c.op.post(f"/tasks/{c.done_task}/send-back",
                                                 {"reason_code": "other"}),
    ("send_back_task", 422): lambda c: c.op_p2.post(f"/tasks/{c.p2_task}/send-back",
                                                 {"reason_code": "because"}),
    ("search_orgs", 200): lambda c: c.sec.get("/orgs", q="CS-YL", kind="committee"),
    ("search_orgs", 400): lambda c: c.sec.get("/orgs", kind="club"),
    ("get_org", 200): lambda c: c.sec.get("/orgs/CS-YL-P1"),
    ("get_org", 404): lambda c: c.sec.get("/orgs/NOPE"),
    ("preview_route", 200): lambda c: c.sec.get("/routes/whole-unit",
                                                unit="CS-YL-P2", to="CS-YH"),
    ("preview_route", 400): lambda c: c.sec.get("/routes/out", **{"from": "X" * 65}),
    ("preview_route", 403): lambda c: c.admin.get("/routes/out", **{"from": "CS-YL-P1-B1"}),
    ("preview_route", 404): lambda c: c.sec.get("/routes/out", **{"from": "NOPE"}),
    ("preview_route", 422): lambda c: c.sec.get("/routes/intra", **{"from": "CS-YL-P1"}),
    ("calendar_add", 200): lambda c: c.sec.get("/calendar/add", **{"from": "2026-02-12",
                                                                   "days": 5}),
    ("calendar_add", 400): lambda c: c.sec.get("/calendar/add", **{"from": "2026-02-30",
                                                                   "days": 5}),
    ("calendar_workday", 200): lambda c: c.sec.get("/calendar/workday/2027-02-05"),
    ("calendar_workday", 400): lambda c: c.sec.get("/calendar/workday/yesterday"),
    ("list_notifications", 200): lambda c: c.op.get("/notifications", unread="true"),
    ("list_notifications", 400): lambda c: c.op.get("/notifications", page=0),
    ("read_notification", 200): lambda c: c.op.post(f"/notifications/{c.note}/read"),
    ("read_notification", 403): lambda c: c.op.post(f"/notifications/{c.other_note}/read"),
    ("read_notification", 404): lambda c: c.op.post("/notifications/999999/read"),
}


def _generic(c: Ctx, op: Any, status: int) -> Any:
    """400 (a NUL in the query), 401 (no token) and 429 (an address with too many bad
    tokens), for every operation."""
    path = op.path.format(case=c.case, task_id=c.task, code="CS-YL", kind="out",
                          day="2026-01-01", notification_id=c.note)
    headers = {"Authorization": "Bearer zj_" + "x" * 43} if status == 429 else {}
    environ = {"REMOTE_ADDR": BLOCKED_IP} if status == 429 else {}
    query = {"z": "\x00"} if status == 400 else {}
    return c.app.test_client().open("/api/v1" + path, method=op.method.upper(),
                                    headers=headers, environ_base=environ,
                                    query_string=query)


def test_every_api_route_is_documented(ctx: Ctx) -> None:
    routes = {(r.endpoint, m.lower()) for r in ctx.app.url_map.iter_rules()
              if r.rule.startswith("/api/") for m in r.methods - {"HEAD", "OPTIONS"}}
    documented = {(op.endpoint, op.method) for op in OPERATIONS}
    assert routes == documented
    paths = document()["paths"]
    assert sum(len(item) for item in paths.values()) == len(OPERATIONS)


def test_every_documented_status_is_produced_with_its_schema(ctx: Ctx) -> None:
    doc = document()
    produced: set[tuple[str, int]] = set()
    problems = []
    for op in OPERATIONS:
        name = op.endpoint.split(".", 1)[1]
        # errors first: they change nothing, so the success of each operation comes last
        for status, schema in sorted(op.responses.items(), reverse=True):
            example = EXAMPLES.get((name, status))
            if example is None and status in (400, 401, 429):
                answer = _generic(ctx, op, status)
            elif example is None:
                problems.append(f"{name} {status}: no example request")
                continue
            else:
                answer = example(ctx)
            if answer.status_code != status:
                problems.append(f"{name}: expected {status}, got {answer.status_code} "
                                f"{answer.get_json()}")
                continue
            produced.add((name, status))
            validator = Draft202012Validator({"$ref": f"#/components/schemas/"
                                                      f"{schema or 'Error'}",
                                              "components": doc["components"]})
            errors = [e.message for e in validator.iter_errors(answer.get_json())]
            if errors:
                problems.append(f"{name} {status}: body does not match the schema: {errors[:3]}")
            if status == 429:
                assert int(answer.headers["Retry-After"]) > 0
    assert problems == []
    assert set(EXAMPLES) <= produced, "examples of statuses that are not documented"
