"""Migrating running cases between versions: the dry run, the move, its audit, and what the
moved cases do next. Version 2 adds a reminder timer to the approval step and changes a
label and a deadline; version 3 gives the approval task another id."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.errors import InvalidData, NotAllowed
from app.models import (
    AuditEvent,
    Deployment,
    HumanTask,
    Instance,
    Notification,
    Org,
    Timer,
)
from app.services import diagrams, versions
from app.services.version_migration import migrate_cases, migration_plan
from tests.procedures.conftest import World, at
from tests.procedures.test_intra_province import APPROVE, INITIATE, start_cross_county
from tests.services.diagram_variants import (
    policy_user,
    with_early_reminder,
    with_id,
    with_label,
    with_property,
)

REFUSE = {"decision": "refuse", "reason_code": "no_reason"}


def newest(world: World, process_id: str) -> Deployment:
    with session_scope(world.engine) as s:
        return s.scalars(select(Deployment).where(Deployment.process_id == process_id)
                         .order_by(Deployment.version.desc())).first()


def deploy_xml(world: World, xml: str, file_name: str, note: str, when: str) -> None:
    with session_scope(world.engine, write=True) as s:
        policy_user(s)
        draft = diagrams.save_draft(s, world.settings, xml=xml, forms={}, author="policy-hn",
                                    now=at(when).now(), file_name=file_name)
        diagrams.deploy_draft(s, world.settings, at(when), draft.id, "policy-hn", note)


def version2(world: World) -> None:
    xml = newest(world, "level_approval").bpmn_xml
    xml = with_property(with_label(with_early_reminder(xml), "approve", "逐级审批（审核）"),
                        "approve", "deadline_working_days", "7")
    deploy_xml(world, xml, "level_approval.bpmn", "增加提前提醒，时限调整为7个工作日",
               "2026-03-02T12:00")


def plan(world: World, old: int, new: int):
    with session_scope(world.engine) as s:
        return {p.instance_id: p for p in migration_plan(s, old, new)}


def move(world: World, old: int, new: int, instances: list[int], when: str,
         reason: str = "按新版本办理"):
    with session_scope(world.engine, write=True) as s:
        return migrate_cases(s, world.settings, at(when), old, new, instances, "policy-hn",
                             reason)


def deployment_of(world: World, case) -> int:
    with session_scope(world.engine) as s:
        return s.get(Instance, case.instance_id).deployment_id


def open_task(world: World, case, spec: str) -> HumanTask:
    with session_scope(world.engine) as s:
        return s.scalars(select(HumanTask).where(HumanTask.instance_id == case.instance_id,
                                                 HumanTask.task_spec == spec,
                                                 HumanTask.status == "open")).one()


def waiting_timers(world: World, case) -> list[str]:
    with session_scope(world.engine) as s:
        return sorted(s.scalars(select(Timer.task_spec).where(
            Timer.instance_id == case.instance_id, Timer.status == "waiting")))


@pytest.fixture
def cases(world: World) -> dict[str, object]:
    """Cases of intra_province version 1 in different states."""
    at_initiate = start_cross_county(world)
    at_approval = world.start("2026-03-02T09:00", "sec-CS-YL-P1-B1", kind="intra",
                              member="M-YL", target_branch="CS-YH-P1-B1")
    world.do(at_approval, "initiate", "op-CS-YL-P1", "2026-03-02T10:00", INITIATE)
    refused = world.start("2026-03-02T09:00", "sec-CS-YL-P2-B1", kind="intra", member="M-P2",
                          target_branch="CS-YL-P1-B1")
    world.do(refused, "initiate", "op-CS-YL-P2", "2026-03-02T10:00", REFUSE)
    return {"initiate": at_initiate, "approval": at_approval, "refused": refused}


def test_dry_run_lists_running_cases_with_what_to_know(world: World, cases) -> None:
    v1 = newest(world, "intra_province")
    version2(world)
    v2 = newest(world, "intra_province")
    found = plan(world, v1.id, v2.id)
    by_case = {p.case_number: p for p in found.values()}
    assert set(found) == {cases["initiate"].instance_id, cases["approval"].instance_id}
    assert all(p.check.movable for p in found.values())
    approval = found[cases["approval"].instance_id]
    assert [spec for spec, _title in approval.open_tasks] == ["approve", "archive_review"]
    assert {(n.code, n.task, n.detail) for n in approval.check.notes} == {
        ("properties_changed", "approve", "deadline_working_days"),
        ("boundary_later", "approve", "approve_early")}
    assert found[cases["initiate"].instance_id].check.notes == []
    assert cases["initiate"].number in by_case
    # a dry run writes nothing
    assert deployment_of(world, cases["approval"]) == v1.id


def test_chosen_cases_move_audited_others_stay(world: World, cases) -> None:
    v1 = newest(world, "intra_province")
    version2(world)
    v2 = newest(world, "intra_province")
    outcome = move(world, v1.id, v2.id, [cases["approval"].instance_id], "2026-03-03T09:00")
    assert (outcome.moved, outcome.skipped) == ([cases["approval"].instance_id], {})
    assert deployment_of(world, cases["approval"]) == v2.id
    assert deployment_of(world, cases["initiate"]) == v1.id  # never moved silently
    with session_scope(world.engine) as s:
        [event] = s.scalars(select(AuditEvent).where(
            AuditEvent.instance_id == cases["approval"].instance_id,
            AuditEvent.action == "instance_migrated")).all()
        assert (event.actor, event.comment) == ("policy-hn", "按新版本办理")
        assert (event.changes["from_version"], event.changes["to_version"]) == (1, 2)
        batch = s.scalars(select(AuditEvent).where(AuditEvent.chain == "system",
                                                   AuditEvent.action == "migrate_instances")
                          ).one()
        assert batch.changes["moved"] == [cases["approval"].instance_id]
        assert [r.running for r in versions.version_list(s, "intra_province")] == [1, 1]
    # the open task keeps its 5 working days; the next level gets 7 and the early reminder
    first = open_task(world, cases["approval"], "approve")
    assert first.due_basis["working_days"] == 5
    assert "approve_early" not in waiting_timers(world, cases["approval"])
    with session_scope(world.engine) as s:
        code = s.get(Org, first.assignee_org_id).code
    world.do(cases["approval"], "approve", f"op-{code}", "2026-03-03T10:00", APPROVE, org=code)
    second = open_task(world, cases["approval"], "approve")
    assert second.due_basis["working_days"] == 7 and second.title.startswith("审批（第2级）")
    assert "approve_early" in waiting_timers(world, cases["approval"])
    world.fire("2026-03-07T00:00")  # 3 working days after 2026-03-03 end on 03-06
    with session_scope(world.engine) as s:
        assert s.get(HumanTask, second.id).overdue is False  # a reminder, not a deadline
        assert s.scalars(select(Notification.kind).where(
            Notification.human_task_id == second.id)).all() == ["reminder"]


def test_a_case_whose_current_task_is_gone_cannot_move(world: World, cases) -> None:
    v1 = newest(world, "intra_province")
    version2(world)
    v2 = newest(world, "intra_province")
    moved = move(world, v1.id, v2.id,
                 [cases["approval"].instance_id, cases["initiate"].instance_id],
                 "2026-03-03T09:00")
    assert len(moved.moved) == 2
    fresh = world.start("2026-03-04T09:00", "sec-CS-YL-P1-V-B1", kind="intra", member="M-V",
                        target_branch="CS-YH-P1-B1")
    xml = with_id(newest(world, "level_approval").bpmn_xml, "approve", "approve_level")
    deploy_xml(world, xml, "level_approval.bpmn", "审批环节更换编号", "2026-03-04T12:00")
    v3 = newest(world, "intra_province")
    found = plan(world, v2.id, v3.id)
    blocked = found[cases["approval"].instance_id].check
    assert not blocked.movable
    assert [(b.code, b.task, b.detail) for b in blocked.blockers] == [
        ("missing_task", "approve", "READY")]
    assert found[fresh.instance_id].check.movable
    outcome = move(world, v2.id, v3.id, [cases["approval"].instance_id, fresh.instance_id],
                   "2026-03-05T09:00")
    assert outcome.moved == [fresh.instance_id]
    assert [b.code for b in outcome.skipped[cases["approval"].instance_id]] == ["missing_task"]
    assert deployment_of(world, cases["approval"]) == v2.id
    world.do(fresh, "initiate", "op-CS-YL-P1", "2026-03-05T10:00", INITIATE)
    assert "approve_level" in world.open_specs(fresh)


def test_a_step_not_yet_reached_may_be_renamed(world: World, cases) -> None:
    v1 = newest(world, "intra_province")
    xml = with_id(v1.bpmn_xml, "refuse", "refuse_case")
    deploy_xml(world, xml, "intra_province.bpmn", "不予转接环节更换编号", "2026-03-02T12:00")
    v2 = newest(world, "intra_province")
    found = plan(world, v1.id, v2.id)
    check = found[cases["initiate"].instance_id].check
    assert check.movable and [(n.code, n.task) for n in check.notes] == [
        ("foreseen_dropped", "refuse")]
    move(world, v1.id, v2.id, [cases["initiate"].instance_id], "2026-03-03T09:00")
    world.do(cases["initiate"], "initiate", "op-CS-YL-JY-P1", "2026-03-03T10:00", REFUSE)
    shown = world.show(cases["initiate"])
    assert shown["status"] == "refused" and shown["open_tasks"] == []


def test_refusals(world: World, cases) -> None:
    v1 = newest(world, "intra_province")
    version2(world)
    v2 = newest(world, "intra_province")
    other = newest(world, "report_in")
    with pytest.raises(InvalidData, match="原因"):
        move(world, v1.id, v2.id, [cases["initiate"].instance_id], "2026-03-03T09:00", " ")
    with pytest.raises(InvalidData, match="选择"):
        move(world, v1.id, v2.id, [], "2026-03-03T09:00")
    with pytest.raises(NotAllowed):
        plan(world, v1.id, other.id)
    with pytest.raises(NotAllowed):
        plan(world, v1.id, v1.id)
    outcome = move(world, v1.id, v2.id, [cases["refused"].instance_id], "2026-03-03T09:00")
    assert [f.code for f in outcome.skipped[cases["refused"].instance_id]] == ["not_on_version"]


def test_moving_to_the_same_specs_changes_nothing_in_the_state(world: World, cases) -> None:
    import json

    from app.engine.migration import migrate_state
    from app.engine.serializer import cached_specs, dump_state

    dep = newest(world, "intra_province")
    specs = cached_specs(dep.content_hash, dep.spec_json)
    for case in (cases["initiate"], cases["approval"]):
        with session_scope(world.engine) as s:
            state = s.get(Instance, case.instance_id).state
        wf, check = migrate_state(state, specs, specs)
        assert wf is not None and check.movable and check.notes == []
        assert json.loads(dump_state(wf)) == json.loads(state)
