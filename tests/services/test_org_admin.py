"""Organisation administration: add, rename, flags, deactivate (only when empty), load a file."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.errors import Forbidden, InvalidData, NotAllowed
from app.models import AuditEvent, Org
from app.org.loader import TreeFileError
from app.services import org_admin
from tests.procedures.conftest import World
from tests.services.diagram_variants import policy_user

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def run(world: World, fn, *args, **kwargs):
    with session_scope(world.engine, write=True) as s:
        policy_user(s)
        kwargs.setdefault("username", "policy-hn")
        kwargs.setdefault("now", NOW)
        return fn(s, *args, **kwargs)


def org(world: World, code: str) -> Org:
    with session_scope(world.engine) as s:
        return s.scalar(select(Org).where(Org.code == code))


def actions(world: World) -> list[str]:
    with session_scope(world.engine) as s:
        return list(s.scalars(select(AuditEvent.action).where(AuditEvent.chain == "system")
                              .order_by(AuditEvent.seq)))


def test_browse_and_search(world: World) -> None:
    with session_scope(world.engine) as s:
        assert [r.code for r in org_admin.children_of(s, None)] == ["HN"]
        top = {r.code: r.children for r in org_admin.children_of(s, "HN")}
        assert top == {"CS": 2, "HN-JG": 1}
        assert [r.code for r in org_admin.search(s, "CS-YL-P1")] == [
            "CS-YL-P1", "CS-YL-P1-B1", "CS-YL-P1-V", "CS-YL-P1-V-B1"]
        assert {r.code for r in org_admin.search(s, "望月湖")} >= {"CS-YL-P1", "CS-YL-P1-B1"}
        assert org_admin.search(s, "   ") == []
        assert [n.code for n in org_admin.chain_of(s, "CS-YL-P1-B1")] == [
            "HN", "CS", "CS-YL", "CS-YL-P1", "CS-YL-P1-B1"]


def test_add_checks_kind_code_and_audits(world: World) -> None:
    added = run(world, org_admin.add_org, parent_code="CS-YL-P1", code="CS-YL-P1-B2",
                name="望月湖街道第二党支部", kind="branch", nationwide=False,
                approves_members=False)
    parent = org(world, "CS-YL-P1")
    assert added.parent_id == parent.id and added.path.startswith(parent.path)
    assert actions(world)[-1] == "org_add"
    with pytest.raises(InvalidData) as caught:
        run(world, org_admin.add_org, parent_code="CS-YL-P1", code="CS-YL-P1-B2", name="",
            kind="county_dept", nationwide=False, approves_members=False)
    assert caught.value.fields == {"code": "编码 CS-YL-P1-B2 已存在", "name": "请填写名称",
                                   "kind": "基层党委下不能设立县市区委组织部"}
    with pytest.raises(Forbidden):
        run(world, org_admin.add_org, parent_code="CS-YL-P1", code="X1", name="x",
            kind="branch", nationwide=False, approves_members=False, username="op-CS-YL")


def test_rename_and_flags_go_through_the_loaders_rules(world: World) -> None:
    run(world, org_admin.update_org, "CS-YL-P2", name="中共长沙市岳麓区莲花镇委员会（新）",
        nationwide=False, approves_members=False)
    changed = org(world, "CS-YL-P2")
    assert (changed.name, changed.approves_members) == ("中共长沙市岳麓区莲花镇委员会（新）", False)
    with session_scope(world.engine) as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "org_update")).one()
    assert event.changes["approves_members"] == {"old": True, "new": False}
    with pytest.raises(InvalidData, match="county-level system cannot have nationwide"):
        run(world, org_admin.update_org, "CS-YL-JY", name="中共长沙市岳麓区委教育工作委员会",
            nationwide=True, approves_members=False)
    assert org(world, "CS-YL-JY").nationwide is False


def test_deactivate_only_an_organisation_without_members_cases_or_active_children(
        world: World) -> None:
    with pytest.raises(NotAllowed, match="党员"):
        run(world, org_admin.set_active, "CS-YL-P1-V-B1", False, reason="撤并")
    run(world, org_admin.add_org, parent_code="CS-YL-P1", code="CS-YL-P1-N", name="新设党委",
        kind="committee", nationwide=False, approves_members=True)
    run(world, org_admin.add_org, parent_code="CS-YL-P1-N", code="CS-YL-P1-N-B1",
        name="新设党委第一支部", kind="branch", nationwide=False, approves_members=False)
    with pytest.raises(InvalidData, match="原因"):
        run(world, org_admin.set_active, "CS-YL-P1-N-B1", False, reason=" ")
    with pytest.raises(NotAllowed, match="下级组织"):
        run(world, org_admin.set_active, "CS-YL-P1-N", False, reason="撤销")
    run(world, org_admin.set_active, "CS-YL-P1-N-B1", False, reason="支部撤销")
    run(world, org_admin.set_active, "CS-YL-P1-N", False, reason="党委撤销")
    assert not org(world, "CS-YL-P1-N").active and not org(world, "CS-YL-P1-N-B1").active
    with pytest.raises(NotAllowed, match="上级组织"):
        run(world, org_admin.set_active, "CS-YL-P1-N-B1", True, reason="恢复")
    with pytest.raises(NotAllowed, match="已停用"):  # no transfer into a deactivated branch
        world.start("2026-03-02T09:00", "sec-CS-YL-P1-B1", kind="intra", member="M-YL",
                    target_branch="CS-YL-P1-N-B1")
    with session_scope(world.engine) as s:
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.chain == "system")).all()
        assert actions.count("org_deactivate") == 2


def test_a_tree_file_loads_all_or_nothing(world: World) -> None:
    bad = (b"orgs:\n  - {code: HN, name: \xe7\x9c\x81, kind: province_dept, children: [\n"
           b"      {code: 'X 1', name: '', kind: branch},\n"
           b"      {code: HN-NEW, name: n, kind: county_dept}]}\n")
    with pytest.raises(TreeFileError) as caught:
        run(world, org_admin.upload_tree, bad, "bad.yaml")
    assert len(caught.value.errors) >= 3
    assert org(world, "HN").name == "中共湖南省委组织部"
    good = "orgs:\n  - {code: HN, name: 中共湖南省委组织部, kind: province_dept, children: [" \
           "{code: HN-B9, name: 省委组织部机关党支部, kind: branch}]}\n"
    summary = run(world, org_admin.upload_tree, good.encode(), "good.yaml")
    assert (summary.created, summary.unchanged) == (1, 1)
    assert org(world, "HN-B9").parent_id == org(world, "HN").id
    assert actions(world)[-1] == "orgs_load"
