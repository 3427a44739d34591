"""An outside script runs a whole case through the API, with HTTP calls only: each user
signs in to the web application once to create a token, then everything is API calls."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from app import create_app
from tests.factories import PASSWORD
from tests.procedures.conftest import World
from tests.web.api.conftest import Api

SECRET = re.compile(r'<code class="secret">(zj_[A-Za-z0-9_\-]+)</code>')


def token_from_web(app: Flask, username: str) -> str:
    """Sign in through the form (CSRF token read from the page) and create a token."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    signed = client.post("/login", data={"username": username, "password": PASSWORD,
                                         "csrf_token": csrf})
    assert signed.status_code == 302
    page = client.get("/account/tokens").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    made = client.post("/account/tokens", data={"name": "对接脚本", "days": "30",
                                                "csrf_token": csrf})
    assert made.status_code == 201
    found = SECRET.search(made.get_data(as_text=True))
    assert found, "the new token is shown once on the page"
    again = client.get("/account/tokens").get_data(as_text=True)
    assert found.group(1) not in again  # never shown again
    return found.group(1)


def one_task(api: Api, number: str, spec: str) -> dict[str, Any]:
    listed = api.get("/tasks", per_page=100)
    assert listed.status_code == 200, listed.json
    found = [t for t in listed.json["items"] if t["case"] and t["case"]["number"] == number
             and t["task"] == spec]
    assert len(found) == 1, (spec, listed.json["items"])
    detail = api.get(f"/tasks/{found[0]['id']}")
    assert detail.status_code == 200 and detail.json["actionable"]
    assert detail.json["form_schema"]["type"] == "object"
    return detail.json


def act(api: Api, number: str, spec: str, data: dict[str, Any]) -> dict[str, Any]:
    task = one_task(api, number, spec)
    claimed = api.post(f"/tasks/{task['id']}/claim")
    assert claimed.status_code == 200 and claimed.json["claimed_by"]
    done = api.post(f"/tasks/{task['id']}/complete", {"data": data})
    assert done.status_code == 200, done.json
    assert done.json["status"] == "completed"
    return done.json


def test_a_script_runs_a_whole_intra_case_over_http(api_world: World) -> None:
    app = create_app({"database_url": api_world.settings.database_url, "TESTING": True})
    people = ["sec-CS-YL-JY-P1-B1", "op-CS-YL-JY-P1", "op-CS-YL-JY", "op-CS-YL", "op-CS-YH",
              "op-CS-YH-P1", "sec-CS-YH-P1-B1", "mgr-CS-YL"]
    api = {u: Api(app.test_client(), token_from_web(app, u)) for u in people}
    sec = api["sec-CS-YL-JY-P1-B1"]
    assert sec.get("/me").json["org"]["code"] == "CS-YL-JY-P1-B1"
    route = sec.get("/routes/intra", **{"from": "CS-YL-JY-P1-B1", "to": "CS-YH-P1-B1"})
    assert route.status_code == 200
    assert route.json["approvers"] == ["CS-YL-JY", "CS-YL", "CS-YH"]
    started = sec.post("/cases", {
        "kind": "intra", "member": "M-JY", "target_branch": "CS-YH-P1-B1",
        "letter": {"reason": "工作调动", "contact_phone": "13812345678", "validity_days": 30,
                   "archive_handling": "with_letter"}})
    assert started.status_code == 201, started.json
    number = started.json["number"]
    assert started.json["route"]["approvers"] == route.json["approvers"]
    assert started.json["letter"]["contact_phone"] == "138****5678"
    act(api["op-CS-YL-JY-P1"], number, "initiate", {"decision": "initiate"})
    act(api["op-CS-YL-JY"], number, "approve", {"decision": "approve"})
    # the second level sends back (退回上一步); the first approves again
    task = one_task(api["op-CS-YL"], number, "approve")
    back = api["op-CS-YL"].post(f"/tasks/{task['id']}/send-back",
                                {"reason_code": "info_incorrect", "comment": "民族填写有误"})
    assert back.status_code == 200 and back.json["decision"] == "send_back"
    act(api["op-CS-YL-JY"], number, "approve", {"decision": "approve"})
    act(api["op-CS-YL"], number, "approve", {"decision": "approve"})
    act(api["op-CS-YH"], number, "approve", {"decision": "approve"})
    act(api["op-CS-YH"], number, "archive_review",
        {"result": "pass", "items_present": ["application", "political_review", "full_member"]})
    act(api["op-CS-YH-P1"], number, "receive",
        {"target_branch": "CS-YH-P1-B1", "record_checked": True})
    shown = api["mgr-CS-YL"].get(f"/cases/{number}").json
    assert shown["status"] == "awaiting_report" and shown["landed_at"]
    act(api["sec-CS-YH-P1-B1"], number, "report", {"reported_on": shown["landed_at"][:10]})
    final = api["mgr-CS-YL"].get(f"/cases/{number}")
    assert final.json["status"] == "completed" and final.json["open_tasks"] == []
    assert [s["decision"] for s in final.json["steps"] if s["decision"] == "send_back"] == [
        "send_back"]
    listed = api["mgr-CS-YL"].get("/cases", status="completed")
    assert [c["number"] for c in listed.json["items"]] == [number]


def test_a_script_withdraws_a_case(api_world: World, as_user: Any) -> None:
    sec, op = as_user("sec-CS-YL-P2-B1"), as_user("op-CS-YL-P2")
    started = sec.post("/cases", {"kind": "intra", "member": "M-P2",
                                  "target_branch": "CS-YL-P1-B1",
                                  "letter": {"reason": "搬家", "contact_phone": "0731-1234567",
                                             "validity_days": 30}})
    assert started.status_code == 201, started.json
    number = started.json["number"]
    assert sec.post(f"/cases/{number}/withdraw", {"reason": "不转了"}).status_code == 403
    assert op.post(f"/cases/{number}/withdraw", {"reason": " "}).status_code == 422
    done = op.post(f"/cases/{number}/withdraw", {"reason": "党员撤回申请"})
    assert done.status_code == 200 and done.json["status"] == "withdrawn"
    again = op.post(f"/cases/{number}/withdraw", {"reason": "再次撤销"})
    assert again.status_code == 409 and again.json["error"]["code"] == "not_allowed"
