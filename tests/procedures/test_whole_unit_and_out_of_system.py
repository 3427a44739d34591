"""整建制转接 (Art. 6) with its lock, and 转往系统外 (Art. 12) with the record kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.errors import Forbidden, NotAllowed
from app.models import Member, Org, OrgMove
from tests.procedures.conftest import World


def org(world: World, code: str) -> Org:
    with session_scope(world.engine) as s:
        return s.scalar(select(Org).where(Org.code == code))


def test_art6_whole_unit_moves_the_subtree_and_locks_it_meanwhile(world: World) -> None:
    case = world.start("2026-03-02T09:00", "op-CS-YL-P1", kind="whole-unit",
                       unit="CS-YL-P1-V", new_parent="CS-YL-P2", letter={})
    assert world.show(case)["route"]["handler"] == "CS-YL"
    with pytest.raises(NotAllowed, match=r"Art\. 6"):
        world.start("2026-03-02T10:00", "sec-CS-YL-P1-V-B1", kind="intra", member="M-V",
                    target_branch="CS-YH-P1-B1")
    with pytest.raises(NotAllowed, match=r"Art\. 6"):
        world.start("2026-03-02T10:00", "sec-CS-YH-P1-B1", kind="intra", member="M-YH",
                    target_branch="CS-YL-P1-V-B1")
    world.do(case, "agree", "op-CS-YL-P2", "2026-03-03T10:00", {"decision": "agree"})
    world.do(case, "decide", "op-CS-YL", "2026-03-04T10:00", {"decision": "approve"})
    assert world.show(case)["status"] == "completed"
    unit, branch, parent = org(world, "CS-YL-P1-V"), org(world, "CS-YL-P1-V-B1"), \
        org(world, "CS-YL-P2")
    assert unit.parent_id == parent.id and unit.path == f"{parent.path}{unit.id}/"
    assert branch.path == f"{unit.path}{branch.id}/" and branch.depth == parent.depth + 2
    assert world.branch_of("M-V") == "CS-YL-P1-V-B1"  # members keep their branch
    with session_scope(world.engine) as s:
        [move] = s.scalars(select(OrgMove)).all()
        assert move.case_id == case.id
    moved = world.start("2026-03-05T09:00", "sec-CS-YL-P1-V-B1", kind="intra", member="M-V",
                        target_branch="CS-YH-P1-B1")
    assert world.show(moved)["route"]["initiator"] == "CS-YL-P2"  # the lock is gone


def test_art6_whole_unit_refused_by_the_new_parent_unlocks(world: World) -> None:
    case = world.start("2026-03-02T09:00", "op-CS-YL-P1", kind="whole-unit",
                       unit="CS-YL-P1-V", new_parent="CS-YL-P2", letter={})
    world.do(case, "agree", "op-CS-YL-P2", "2026-03-03T10:00",
             {"decision": "refuse", "reason_code": "other", "comment": "暂不具备接收条件"})
    assert world.show(case)["status"] == "refused"
    assert org(world, "CS-YL-P1-V").parent_id == org(world, "CS-YL-P1").id
    world.start("2026-03-04T09:00", "sec-CS-YL-P1-V-B1", kind="intra", member="M-V",
                target_branch="CS-YH-P1-B1")


def test_art6_only_the_current_parent_may_apply(world: World) -> None:
    with pytest.raises(Forbidden):
        world.start("2026-03-02T09:00", "op-CS-YL-P2", kind="whole-unit",
                    unit="CS-YL-P1-V", new_parent="CS-YL-P2", letter={})


def test_art12_out_of_system_keeps_the_member_record(world: World) -> None:
    case = world.start("2026-03-02T09:00", "sec-HN-JG-SW-B1", kind="out-of-system",
                       member="M-SW")
    assert world.show(case)["route"]["handler"] == "HN-JG"
    world.do(case, "initiate", "op-HN-JG-SW", "2026-03-02T10:00", {"decision": "initiate"})
    world.do(case, "record_destination", "op-HN-JG", "2026-03-03T10:00",
             {"destination_unit": "某特殊单位", "reason": "调入未使用全国党员管理信息系统的单位"})
    shown = world.show(case)
    assert shown["status"] == "out_of_system"
    with session_scope(world.engine) as s:
        member = s.scalar(select(Member).where(Member.code == "M-SW"))
        assert member.status == "out_of_system" and "某特殊单位" in member.status_note


def test_art8_requests_are_validated_before_anything_starts(world: World) -> None:
    with pytest.raises(Forbidden):  # not the member's own branch
        world.start("2026-03-02T09:00", "sec-CS-YH-P1-B1", kind="intra", member="M-YL",
                    target_branch="CS-YH-P1-B1")
    with pytest.raises(NotAllowed, match="branch"):  # the target is not a branch
        world.start("2026-03-02T09:00", "sec-CS-YL-P1-B1", kind="intra", member="M-YL",
                    target_branch="CS-YH-P1")
    world.start("2026-03-02T09:00", "sec-CS-YL-P1-B1", kind="intra", member="M-YL",
                target_branch="CS-YH-P1-B1")
    with pytest.raises(NotAllowed, match="already has an open case"):
        world.start("2026-03-02T09:00", "sec-CS-YL-P1-B1", kind="intra", member="M-YL",
                    target_branch="CS-YL-P2-B1")
