"""The authorization matrix: every role × every endpoint (API and web pages) × own
organisation / subtree / other organisation, against one world of open cases
(tests/web/authz_scene.py).

Each row of :data:`API` (here) and of ``WEB`` (test_authorization_matrix_web.py) says, per
role and relation, which status the endpoint answers. The test enumerates the application's
routes: an endpoint without a row fails, so nothing is added without deciding who may use
it. Allowed calls that would change data are made with data the endpoint refuses after the
policy check (422), or are undone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from click.testing import CliRunner
from sqlalchemy import select

from app.db import session_scope
from app.models import HumanTask, Org
from tests.web.api.conftest import Api, new_token
from tests.web.authz_scene import (
    ANY,
    MEMBER_OF,
    ORG_OF,
    RELATIONS,
    ROLES,
    USERS,
    Scene,
    by_role,
    each,
)
from tests.web.test_authorization_matrix_web import WEB, check_web_row

VIEW_CASE = {"branch_secretary": {"own": 200, "other": 403},
             "operator": {"own": 200, "subtree": 200, "other": 403},
             "manager": {"own": 200, "subtree": 200, "other": 403},
             "policy_staff": {"subtree": 200}, "admin": {"subtree": 403}}
# acting on a task: own organisation and role only; 422 = the policy let the call through
ACT_TASK = {"branch_secretary": {"own": 422, "other": 403},
            "operator": {"own": 422, "subtree": 403, "other": 403},
            "manager": {"own": 403, "subtree": 403, "other": 403},
            "policy_staff": {"subtree": 403}, "admin": {"subtree": 403}}
CLAIM_TASK = {role: {rel: 200 if code == 422 else code for rel, code in cells.items()}
              for role, cells in ACT_TASK.items()}
SEND_BACK = {**ACT_TASK, "branch_secretary": {"own": 409, "other": 403}}  # 更正 has no 退回
WITHDRAW = {"branch_secretary": {"own": 403, "other": 403},
            "operator": {"own": 422, "subtree": 422, "other": 403},
            "manager": {"own": 403, "subtree": 403, "other": 403},
            "policy_staff": {"subtree": 403}, "admin": {"subtree": 403}}
FULL_ID = {"branch_secretary": {"own": 403, "other": 403},
           "operator": {"own": 403, "subtree": 403, "other": 403},
           "manager": {"own": 200, "subtree": 200, "other": 403},
           "policy_staff": {"subtree": 403}, "admin": {"subtree": 403}}
START = {"branch_secretary": {"own": 409, "other": 403},  # 409: the member has a case
         "operator": {"own": 403, "subtree": 403, "other": 403},
         "manager": {"own": 403, "subtree": 403, "other": 403},
         "policy_staff": {"subtree": 403}, "admin": {"subtree": 403}}
NOTIFICATION = {"branch_secretary": {"own": 200, "other": 403},
                "operator": {"own": 200, "subtree": 403, "other": 403},
                "manager": {"own": 200, "subtree": 403, "other": 403},
                "policy_staff": {"subtree": 403}, "admin": {"subtree": 403}}

API: dict[str, dict[str, dict[str, int]]] = {
    "api.openapi_json": each(200),
    "api.me": each(200),
    "api.list_cases": by_role(branch_secretary=200, operator=200, manager=200,
                              policy_staff=200, admin=403),
    "api.start_case": START,
    "api.get_case": VIEW_CASE,
    "api.get_case+full_id": FULL_ID,
    "api.withdraw_case": WITHDRAW,
    "api.list_tasks": by_role(branch_secretary=200, operator=200, manager=200,
                              policy_staff=403, admin=403),
    "api.get_task": VIEW_CASE,
    "api.claim_task": CLAIM_TASK,
    "api.release_task": CLAIM_TASK,
    "api.complete_task": ACT_TASK,
    "api.send_back_task": SEND_BACK,
    "api.search_orgs": each(200),
    "api.get_org": each(200),
    "api.preview_route": by_role(branch_secretary=200, operator=200, manager=200,
                                 policy_staff=200, admin=403),
    "api.calendar_add": each(200),
    "api.calendar_workday": each(200),
    "api.list_notifications": each(200),
    "api.read_notification": NOTIFICATION,
}


def _call(api: Api, scene: Scene, endpoint: str, role: str, relation: str) -> Any:
    case_key, task_key = RELATIONS[role].get(relation, ("sw", "init_sw"))
    number, task = scene.cases[case_key], scene.tasks[task_key]
    calls: dict[str, Callable[[], Any]] = {
        "api.openapi_json": lambda: api.get("/openapi.json"),
        "api.me": lambda: api.get("/me"),
        "api.list_cases": lambda: api.get("/cases"),
        "api.start_case": lambda: api.post("/cases", {
            "kind": "out-of-system", "member": MEMBER_OF[case_key], "letter": {}}),
        "api.get_case": lambda: api.get(f"/cases/{number}"),
        "api.get_case+full_id": lambda: api.get(f"/cases/{number}", full_id="true"),
        "api.withdraw_case": lambda: api.post(f"/cases/{number}/withdraw", {"reason": " "}),
        "api.list_tasks": lambda: api.get("/tasks"),
        "api.get_task": lambda: api.get(f"/tasks/{task}"),
        "api.claim_task": lambda: api.post(f"/tasks/{task}/claim"),
        "api.release_task": lambda: api.post(f"/tasks/{task}/release"),
        "api.complete_task": lambda: api.post(f"/tasks/{task}/complete", {"data": {}}),
        "api.send_back_task": lambda: api.post(f"/tasks/{task}/send-back",
                                               {"reason_code": "no-such-reason"}),
        "api.search_orgs": lambda: api.get("/orgs", q="岳麓"),
        "api.get_org": lambda: api.get("/orgs/CS-YL"),
        "api.preview_route": lambda: api.get("/routes/intra", **{"from": "CS-YL-P1-B1",
                                                                 "to": "CS-YH-P1-B1"}),
        "api.calendar_add": lambda: api.get("/calendar/add", **{"from": "2026-02-12",
                                                                "days": 5}),
        "api.calendar_workday": lambda: api.get("/calendar/workday/2026-02-14"),
        "api.list_notifications": lambda: api.get("/notifications"),
        "api.read_notification": lambda: api.post(
            f"/notifications/{scene.notes[ORG_OF[role][relation]]}/read"),
    }
    return calls[endpoint]()


def test_every_route_has_a_row(scene: Scene) -> None:
    endpoints = {rule.endpoint for rule in scene.app.url_map.iter_rules()}
    rows = {e.split("+")[0] for e in API} | {e.split("+")[0] for e in WEB}
    assert endpoints - rows == set(), "endpoints without a row in the authorization matrix"
    assert rows - endpoints == set(), "rows for endpoints that do not exist"
    for name, row in API.items():
        for role in ROLES:
            wanted = set(RELATIONS[role]) if ANY not in row[role] else {ANY}
            assert set(row[role]) == wanted, (name, role)
    for name, (row, _request) in WEB.items():
        check_web_row(name, row)


def test_api_matrix(scene: Scene) -> None:
    apis = {role: Api(scene.app.test_client(), new_token(scene.world, user))
            for role, user in USERS.items()}
    failures = []
    for endpoint, row in API.items():
        for role in ROLES:
            for relation, expected in row[role].items():
                answer = _call(apis[role], scene, endpoint, role, relation)
                if answer.status_code != expected:
                    failures.append(f"{endpoint} {role}/{relation}: {answer.status_code} "
                                    f"(expected {expected}) {answer.get_json()}")
                if endpoint == "api.claim_task" and answer.status_code == 200:
                    assert apis[role].post(f"/tasks/{answer.json['id']}/release").status_code \
                        == 200
    assert failures == []


def test_nobody_completes_another_organisations_task_by_id(scene: Scene) -> None:
    """The same refusal through the API, the command line and the service."""
    api = Api(scene.app.test_client(), new_token(scene.world, "op-CS-YL-P1"))
    other = scene.tasks["init_sw"]
    refused = api.post(f"/tasks/{other}/complete", {"data": {"decision": "initiate"}})
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    from app.cli import cli

    result = CliRunner().invoke(cli, ["tasks", "complete", str(other), "--as", "op-CS-YL-P1",
                                      "--data", '{"decision": "initiate"}'],
                                env={"ZHUANJIE_DATABASE_URL": scene.world.settings.database_url})
    assert result.exit_code == 2 and "another organisation" in result.output
    with session_scope(scene.world.engine) as s:
        assert s.get(HumanTask, other).status == "open"


def test_a_claimed_task_is_its_claimers(scene: Scene) -> None:
    from app.models import User
    from tests.factories import make_user

    with session_scope(scene.world.engine, write=True) as s:
        org = s.scalar(select(Org).where(Org.code == "CS-YL-P1"))
        make_user(s, "op2-CS-YL-P1", org, "operator")
        assert s.scalar(select(User.id).where(User.username == "op2-CS-YL-P1"))
    first = Api(scene.app.test_client(), new_token(scene.world, "op-CS-YL-P1"))
    second = Api(scene.app.test_client(), new_token(scene.world, "op2-CS-YL-P1"))
    task = scene.tasks["init_yl"]
    assert first.post(f"/tasks/{task}/claim").json["claimed_by"] == "op-CS-YL-P1"
    taken = second.post(f"/tasks/{task}/claim")
    assert taken.status_code == 409 and "claimed by op-CS-YL-P1" in taken.json["error"]["message"]
    done = second.post(f"/tasks/{task}/complete", {"data": {"decision": "initiate"}})
    assert done.status_code == 409
    assert second.post(f"/tasks/{task}/release").status_code == 409
    assert first.post(f"/tasks/{task}/release").json["claimed_by"] is None
    assert second.post(f"/tasks/{task}/complete",
                       {"data": {"decision": "initiate"}}).status_code == 200


def test_the_command_line_applies_the_same_policy_to_reading_a_case(scene: Scene) -> None:
    from app.cli import cli

    env = {"ZHUANJIE_DATABASE_URL": scene.world.settings.database_url}
    other = CliRunner().invoke(cli, ["cases", "show", scene.cases["sw"], "--as", "mgr-CS-YL"],
                               env=env)
    assert other.exit_code == 2 and "may not see case" in other.output
    own = CliRunner().invoke(cli, ["cases", "show", scene.cases["yl"], "--as", "mgr-CS-YL"],
                             env=env)
    assert own.exit_code == 0 and scene.cases["yl"] in own.output
