"""省内转接 (Art. 9) and 报到 (Art. 15) scenarios on the ROUTING.md tree."""

from __future__ import annotations

from tests.procedures.conftest import World

APPROVE = {"decision": "approve"}
INITIATE = {"decision": "initiate"}
PASS = {"result": "pass", "items_present": ["application", "political_review", "full_member"]}


def start_cross_county(world: World, when: str = "2026-03-02T09:00"):
    """CS-YL-JY-P1-B1 → CS-YH-P1-B1: approvers CS-YL-JY, CS-YL, CS-YH (Arts. 7, 4)."""
    return world.start(when, "sec-CS-YL-JY-P1-B1", kind="intra", member="M-JY",
                       target_branch="CS-YH-P1-B1")


def test_art9_approve_all_the_way_then_art15_report(world: World) -> None:
    case = start_cross_county(world)
    shown = world.show(case)
    assert shown["status"] == "applying" and shown["route"]["approvers"] == [
        "CS-YL-JY", "CS-YL", "CS-YH"]
    assert shown["route"]["archive_reviewer"] == "CS-YH"
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    assert world.show(case)["status"] == "approving"
    assert world.open_specs(case) == ["approve", "archive_review"]
    for level in ("CS-YL-JY", "CS-YL", "CS-YH"):
        world.do(case, "approve", f"op-{level}", "2026-03-03T10:00", APPROVE, org=level)
    world.do(case, "archive_review", "op-CS-YH", "2026-03-04T10:00", PASS)
    assert world.show(case)["status"] == "awaiting_receipt"
    world.do(case, "receive", "op-CS-YH-P1", "2026-03-05T10:00",
             {"target_branch": "CS-YH-P1-B1", "record_checked": True})
    assert world.branch_of("M-JY") == "CS-YH-P1-B1"  # 落地
    assert world.show(case)["status"] == "awaiting_report"
    world.do(case, "report", "sec-CS-YH-P1-B1", "2026-03-09T10:00",
             {"reported_on": "2026-03-09"})
    shown = world.show(case)
    assert shown["status"] == "completed" and shown["reported_at"].startswith("2026-03-08T16")
    assert shown["open_tasks"] == []


def through_approvals(world: World, case, when: str = "2026-03-03T10:00") -> None:
    for level in ("CS-YL-JY", "CS-YL", "CS-YH"):
        world.do(case, "approve", f"op-{level}", when, APPROVE, org=level)


def test_art9_send_back_at_the_second_level_goes_to_the_first(world: World) -> None:
    case = start_cross_county(world)
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    world.do(case, "approve", "op-CS-YL-JY", "2026-03-02T11:00", APPROVE, org="CS-YL-JY")
    world.do(case, "approve", "op-CS-YL", "2026-03-02T12:00",
             {"decision": "send_back", "reason_code": "info_incorrect", "comment": "民族填写有误"},
             org="CS-YL")
    again = world.task(case, "approve", org="CS-YL-JY")
    assert again.title.startswith("审批（第1级）")
    world.do(case, "approve", "op-CS-YL-JY", "2026-03-02T14:00", APPROVE, org="CS-YL-JY")
    world.do(case, "approve", "op-CS-YL", "2026-03-02T15:00", APPROVE, org="CS-YL")
    world.do(case, "approve", "op-CS-YH", "2026-03-02T16:00", APPROVE, org="CS-YH")
    steps = world.show(case)["steps"]
    sent_back = [s for s in steps if s["decision"] == "send_back"]
    assert [(s["org"], s["reason_code"], s["comment"]) for s in sent_back] == [
        ("CS-YL", "info_incorrect", "民族填写有误")]
    assert world.open_specs(case) == ["archive_review"]


def test_art9_first_level_sends_back_to_the_initiator_who_may_refuse(world: World) -> None:
    case = start_cross_county(world)
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    world.do(case, "approve", "op-CS-YL-JY", "2026-03-02T11:00",
             {"decision": "send_back", "reason_code": "info_incomplete"}, org="CS-YL-JY")
    assert world.show(case)["status"] == "sent_back"
    world.do(case, "recheck", "op-CS-YL-JY-P1", "2026-03-02T12:00",
             {"decision": "refuse", "reason_code": "no_reason", "comment": "党员撤回申请"})
    shown = world.show(case)
    assert shown["status"] == "refused" and shown["open_tasks"] == []
    assert world.branch_of("M-JY") == "CS-YL-JY-P1-B1"  # the member stays


def test_art9_initiator_sends_back_to_the_branch_which_corrects(world: World) -> None:
    case = start_cross_county(world)
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00",
             {"decision": "send_back", "reason_code": "info_incomplete"})
    assert world.show(case)["status"] == "sent_back"
    world.do(case, "correct", "sec-CS-YL-JY-P1-B1", "2026-03-02T11:00",
             {"comment": "已补充联系电话", "contact_phone": "13800000000"})
    assert world.open_specs(case) == ["initiate"]


def test_art9_archive_problem_goes_back_level_by_level_and_is_resolved(world: World) -> None:
    case = start_cross_county(world)
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    world.do(case, "archive_review", "op-CS-YH", "2026-03-03T10:00",
             {"result": "problem", "items_present": ["application"],
              "findings": "缺少转正材料"})
    assert world.show(case)["status"] == "archive_verifying"
    world.do(case, "archive_return", "op-CS-YL", "2026-03-03T11:00", {}, org="CS-YL")
    world.do(case, "archive_return", "op-CS-YL-JY", "2026-03-03T12:00", {}, org="CS-YL-JY")
    world.do(case, "verify", "op-CS-YL-JY-P1", "2026-03-04T10:00",
             {"decision": "resolve", "comment": "已补齐转正材料"})
    # a second problem: the return runs again over the same levels (its output was reset)
    world.do(case, "archive_review", "op-CS-YH", "2026-03-05T10:00",
             {"result": "problem", "items_present": ["application"], "findings": "政审材料缺失"})
    world.do(case, "archive_return", "op-CS-YL", "2026-03-05T11:00", {}, org="CS-YL")
    world.do(case, "archive_return", "op-CS-YL-JY", "2026-03-05T12:00", {}, org="CS-YL-JY")
    world.do(case, "verify", "op-CS-YL-JY-P1", "2026-03-06T10:00", {"decision": "resolve"})
    world.do(case, "archive_review", "op-CS-YH", "2026-03-09T10:00", PASS)
    through_approvals(world, case)
    assert world.open_specs(case) == ["receive"]


def test_art9_archive_problem_closes_the_case(world: World) -> None:
    case = start_cross_county(world)
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    world.do(case, "archive_review", "op-CS-YH", "2026-03-03T10:00",
             {"result": "problem", "items_present": [], "findings": "入党志愿书缺失"})
    world.do(case, "archive_return", "op-CS-YL", "2026-03-03T11:00", {}, org="CS-YL")
    world.do(case, "archive_return", "op-CS-YL-JY", "2026-03-03T12:00", {}, org="CS-YL-JY")
    world.do(case, "verify", "op-CS-YL-JY-P1", "2026-03-04T10:00",
             {"decision": "close", "handling": "经核实不能确认党员身份，按规定处理"})
    shown = world.show(case)
    assert shown["status"] == "terminated" and shown["open_tasks"] == []
    assert "不能确认党员身份" in shown["outcome_note"]
    cancelled = [s for s in shown["steps"] if s["status"] == "cancelled"]
    assert {s["task"] for s in cancelled} == {"approve"}


def test_art9_art13_overdue_level_is_reminded_once_and_stays_open(world: World) -> None:
    case = start_cross_county(world)  # Monday 2026-03-02
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    level1 = world.task(case, "approve", org="CS-YL-JY")
    assert level1.due_at.isoformat() == "2026-03-09T16:00:00+00:00"  # end of Mon 03-09
    world.fire("2026-03-09T23:59:00+08:00")
    assert world.notifications(case) == []
    world.fire("2026-03-10T00:00:00+08:00")
    world.fire("2026-03-11T00:00:00+08:00")
    reminded = [n for n in world.notifications(case) if n[0] == "overdue"]
    assert reminded == [("overdue", "CS-YL-JY"), ("overdue", "CS-YL")]  # level and superior
    still = world.task(case, "approve", org="CS-YL-JY")
    assert still.overdue and still.status == "open"
    assert world.show(case)["overdue"]


def test_art15_member_reports_late(world: World) -> None:
    case = start_cross_county(world)
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    through_approvals(world, case)
    world.do(case, "archive_review", "op-CS-YH", "2026-03-03T11:00", PASS)
    world.do(case, "receive", "op-CS-YH-P1", "2026-03-04T10:00",
             {"target_branch": "CS-YH-P1-B1", "record_checked": True})
    report = world.task(case, "report")
    assert report.due_at.isoformat() == "2026-03-25T16:00:00+00:00"  # 15 WD after 03-04
    world.fire("2026-03-26T00:00:00+08:00")
    assert ("overdue", "CS-YH-P1-B1") in world.notifications(case)
    assert world.task(case, "report").overdue
    world.do(case, "report", "sec-CS-YH-P1-B1", "2026-03-30T10:00",
             {"reported_on": "2026-03-30"})
    assert world.show(case)["status"] == "completed"


def test_art15_member_never_reports_is_urged_then_handled(world: World) -> None:
    case = start_cross_county(world)
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    through_approvals(world, case)
    world.do(case, "archive_review", "op-CS-YH", "2026-03-03T11:00", PASS)
    world.do(case, "receive", "op-CS-YH-P1", "2026-03-04T10:00",
             {"target_branch": "CS-YH-P1-B1", "record_checked": True})
    world.fire("2026-06-04T09:00:00+08:00")
    assert world.open_specs(case) == ["report"]  # three months are not over yet
    world.fire("2026-06-04T10:00:00+08:00")
    assert world.open_specs(case) == ["urge"]
    world.do(case, "urge", "sec-CS-YH-P1-B1", "2026-06-05T10:00",
             {"action": "电话督促两次并当面批评教育", "outcome": "refuses"})
    world.do(case, "handling", "sec-CS-YH-P1-B1", "2026-06-08T10:00",
             {"decision": "按自行脱党予以除名"})
    shown = world.show(case)
    assert shown["status"] == "completed" and "自行脱党" in shown["outcome_note"]


def test_art9_withdraw_before_receipt(world: World) -> None:
    from app.db import session_scope
    from app.errors import Forbidden
    from app.services import cases
    from tests.procedures.conftest import at

    case = start_cross_county(world)
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    with session_scope(world.engine, write=True) as s:
        try:
            cases.withdraw(s, world.settings, at("2026-03-02T11:00"), case.id, "op-CS-YL",
                           "不是发起党委")
            raise AssertionError("another organisation withdrew the case")
        except Forbidden:
            pass
    with session_scope(world.engine, write=True) as s:
        cases.withdraw(s, world.settings, at("2026-03-02T11:00"), case.id, "op-CS-YL-JY-P1",
                       "党员工作调动取消")
    shown = world.show(case)
    assert shown["status"] == "withdrawn" and shown["open_tasks"] == []
    assert world.branch_of("M-JY") == "CS-YL-JY-P1-B1"


def test_deadlines_across_the_2026_spring_festival_and_national_day(world: World) -> None:
    """CALENDAR.md: 2/14 and 10/10 (Saturdays) are worked, 2/15–2/23 and 10/1–10/7 are not."""
    spring = start_cross_county(world, "2026-02-12T10:00")
    assert world.task(spring, "initiate").due_at.isoformat() == "2026-02-26T16:00:00+00:00"
    autumn = world.start("2026-09-30T10:00", "sec-CS-YL-P1-B1", kind="intra", member="M-YL",
                         target_branch="CS-YH-P1-B1")
    # 10/8 Thu, 10/9 Fri, 10/10 Sat (worked), 10/12 Mon, 10/13 Tue → due end of 10/13
    assert world.task(autumn, "initiate").due_at.isoformat() == "2026-10-13T16:00:00+00:00"
