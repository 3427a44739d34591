"""What the start pages read: the branch's members, units to move, organisation search."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.errors import Forbidden, InvalidData
from app.models import User
from app.services import applications as apps
from tests.procedures.conftest import World
from tests.procedures.test_intra_province import start_cross_county


def user(s, name: str) -> User:
    return s.scalar(select(User).where(User.username == name))


def test_members_with_their_open_case_and_only_for_secretaries(world: World) -> None:
    case = start_cross_county(world)
    with session_scope(world.engine) as s:
        [member] = apps.branch_members(s, user(s, "sec-CS-YL-JY-P1-B1"))
        assert (member.code, member.open_case) == ("M-JY", case.number)
        with pytest.raises(Forbidden):
            apps.branch_members(s, user(s, "op-CS-YL"))
        assert apps.branch_of_member(s, "M-JY") == "CS-YL-JY-P1-B1"


def test_units_and_who_registers_paper_letters(world: World) -> None:
    with session_scope(world.engine) as s:
        units = apps.movable_units(s, user(s, "op-CS-YL-P1"))
        assert [u.code for u in units] == ["CS-YL-P1-B1", "CS-YL-P1-V"]
        assert apps.may_register_incoming(s, user(s, "op-CS"), "hunan-2018")
        assert apps.may_register_incoming(s, user(s, "op-HN-JG"), "hunan-2018")
        assert not apps.may_register_incoming(s, user(s, "op-CS-YL-P1"), "hunan-2018")
        assert apps.may_register_incoming(s, user(s, "op-CS-YL-P1"), "national-2019")
        assert not apps.may_register_incoming(s, user(s, "sec-CS-YL-P1-B1"), "hunan-2018")


def test_search_and_resolve(world: World) -> None:
    with session_scope(world.engine) as s:
        branches = apps.search_orgs(s, "党支部")
        assert len(branches) == 6 and all(o.code.endswith("-B1") for o in branches)
        assert [o.code for o in apps.search_orgs(s, "CS-YL-P2")] == ["CS-YL-P2-B1"]
        assert [o.code for o in apps.search_orgs(s, "CS-YL-P2", "parent")] == ["CS-YL-P2"]
        assert apps.search_orgs(s, "  ") == []
        assert apps.resolve_org(s, "cs-yh-p1-b1", "target_branch") == "CS-YH-P1-B1"
        assert apps.resolve_org(s, "侯家塘街道机关党支部", "target_branch") == "CS-YH-P1-B1"
        assert apps.resolve_org(s, "CS-YH-P1-B1 侯家塘街道机关党支部", "t") == "CS-YH-P1-B1"
        with pytest.raises(InvalidData) as refused:
            apps.resolve_org(s, "CS-YH", "target_branch")  # not a branch
        assert refused.value.fields == {"target_branch": "未找到党支部“CS-YH”，请检查名称或编码"}
