"""Arts. 4, 5, 7, 8, 11 and 16 as they show in running cases."""

from __future__ import annotations

from tests.procedures.conftest import World


def test_art5_direct_transfer_in_one_county_needs_no_approver(world: World) -> None:
    case = world.start("2026-03-02T09:00", "sec-CS-YL-P1-B1", kind="intra", member="M-YL",
                       target_branch="CS-YL-P2-B1")
    route = world.show(case)["route"]
    assert (route["initiator"], route["approvers"], route["receiver"]) == (
        "CS-YL-P1", [], "CS-YL-P2")
    assert route["archive_reviewer"] == "CS-YL-P2" and route["archive_return_path"] == []
    world.do(case, "initiate", "op-CS-YL-P1", "2026-03-02T10:00", {"decision": "initiate"})
    assert world.open_specs(case) == ["archive_review"]  # the approval had nothing to do
    world.do(case, "archive_review", "op-CS-YL-P2", "2026-03-02T11:00",
             {"result": "pass", "items_present": ["application"]})
    assert world.open_specs(case) == ["receive"]


def test_art8_a_community_committee_without_authority_forwards(world: World) -> None:
    case = world.start("2026-03-02T09:00", "sec-CS-YL-P1-V-B1", kind="intra", member="M-V",
                       target_branch="CS-YL-P2-B1")
    assert world.show(case)["route"]["initiator"] == "CS-YL-P1"


def test_art7_art4_a_county_system_crosses_the_county_through_departments(
        world: World) -> None:
    case = world.start("2026-03-02T09:00", "sec-CS-YL-JY-P1-B1", kind="intra", member="M-JY",
                       target_branch="CS-YH-P1-B1")
    assert world.show(case)["route"]["approvers"] == ["CS-YL-JY", "CS-YL", "CS-YH"]


def test_art11_the_initiator_follows_the_case_until_the_report(world: World) -> None:
    case = world.start("2026-03-02T09:00", "sec-CS-YL-JY-P1-B1", kind="intra", member="M-JY",
                       target_branch="CS-YH-P1-B1")
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", {"decision": "initiate"})
    world.do(case, "approve", "op-CS-YL-JY", "2026-03-02T11:00", {"decision": "approve"},
             org="CS-YL-JY")
    shown = world.show(case)
    done = [(s["org"], s["decision"]) for s in shown["steps"] if s["status"] == "completed"]
    waiting = sorted(s["org"] for s in shown["open_tasks"])
    assert done == [("CS-YL-JY-P1", "initiate"), ("CS-YL-JY", "approve")]
    assert waiting == ["CS-YH", "CS-YL"]  # the archive reviewer and the next level


def test_art16_a_late_level_is_reported_to_its_superior(world: World) -> None:
    case = world.start("2026-03-02T09:00", "sec-CS-YL-P1-B1", kind="intra", member="M-YL",
                       target_branch="CS-YH-P1-B1")
    world.fire("2026-03-10T00:00:00+08:00")  # the initiator's 5 working days are over
    assert world.notifications(case) == [("overdue", "CS-YL-P1"), ("overdue", "CS-YL")]
    assert world.task(case, "initiate").overdue
