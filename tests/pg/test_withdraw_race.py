"""PostgreSQL under concurrency: a withdrawal racing the receiver's 接收 (which lands the
member) never leaves a withdrawn case whose member has moved."""

from __future__ import annotations

import threading
import time

import pytest

from app.db import session_scope
from app.errors import ZhuanjieError
from app.services import cases, tasks
from tests.procedures.conftest import World, at

pytestmark = pytest.mark.parametrize("db_url", ["pg"], indirect=True)
APPROVE = {"decision": "approve"}
PASS = {"result": "pass", "items_present": ["application", "political_review", "full_member"]}
# member → (branch, target, initiator)
CASES = {"M-YL": ("CS-YL-P1-B1", "CS-YL-P2-B1", "CS-YL-P1"),
         "M-JY": ("CS-YL-JY-P1-B1", "CS-YH-P1-B1", "CS-YL-JY-P1"),
         "M-YH": ("CS-YH-P1-B1", "CS-YL-P2-B1", "CS-YH-P1")}


def _to_receive(world: World, member: str):
    branch, target, initiator = CASES[member]
    case = world.start("2026-03-02T09:00", f"sec-{branch}", kind="intra", member=member,
                       target_branch=target)
    world.do(case, "initiate", f"op-{initiator}", "2026-03-02T10:00", {"decision": "initiate"})
    while "receive" not in world.open_specs(case):
        for t in world.show(case)["open_tasks"]:
            data = PASS if t["task"] == "archive_review" else APPROVE
            world.do(case, t["task"], f"op-{t['org']}", "2026-03-03T10:00", data, org=t["org"])
    return case


@pytest.mark.parametrize("member,delay", [("M-YL", 0.0), ("M-JY", 0.03), ("M-YH", 0.08)])
def test_withdraw_racing_receive_never_withdraws_a_landed_member(world: World, member: str,
                                                                 delay: float) -> None:
    branch, target, initiator = CASES[member]
    case = _to_receive(world, member)
    receive = world.task(case, "receive")
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def do_receive() -> None:
        barrier.wait()
        try:
            with session_scope(world.engine, write=True) as s:
                tasks.complete_task(s, world.settings, at("2026-03-04T10:00"), receive.id,
                                    f"op-{receive_org(world, receive)}",
                                    {"target_branch": target, "record_checked": True})
            outcomes["receive"] = "ok"
        except ZhuanjieError as exc:
            outcomes["receive"] = f"refused: {exc}"

    def do_withdraw() -> None:
        barrier.wait()
        time.sleep(delay)  # so that it may arrive while the receipt is being written
        try:
            with session_scope(world.engine, write=True) as s:
                cases.withdraw(s, world.settings, at("2026-03-04T10:00"), case.id,
                               f"op-{initiator}", "党员撤回申请")
            outcomes["withdraw"] = "ok"
        except ZhuanjieError as exc:
            outcomes["withdraw"] = f"refused: {exc}"

    threads = [threading.Thread(target=do_receive), threading.Thread(target=do_withdraw)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    shown = world.show(case)
    assert sorted(v == "ok" for v in outcomes.values()) == [False, True], outcomes
    if outcomes["withdraw"] == "ok":
        assert shown["status"] == "withdrawn" and world.branch_of(member) == branch
    else:
        assert shown["status"] == "awaiting_report" and world.branch_of(member) == target


def receive_org(world: World, task) -> str:
    from app.models import Org

    with session_scope(world.engine) as s:
        return s.get(Org, task.assignee_org_id).code
