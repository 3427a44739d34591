"""Drafts, the check before deploy, deploying a draft, version history and diffs."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.errors import InvalidData, NotFound
from app.models import AuditEvent, Deployment, Instance, Timer
from app.services import diagrams, versions
from tests.procedures.conftest import World, at
from tests.procedures.test_intra_province import INITIATE, start_cross_county
from tests.services.diagram_variants import (
    committed,
    policy_user,
    with_early_reminder,
    with_label,
    with_property,
    without_assignee,
)

CALLERS = {"intra_province", "cross_province_out", "cross_province_in", "out_of_system"}
NOW = "2026-03-02T09:00"


def newest_xml(world: World, process_id: str) -> str:
    with session_scope(world.engine) as s:
        return s.scalars(select(Deployment.bpmn_xml).where(Deployment.process_id == process_id)
                         .order_by(Deployment.version.desc())).first()


def save(world: World, xml: str, forms=None, draft_id=None):
    with session_scope(world.engine, write=True) as s:
        policy_user(s)
        base = s.scalars(select(Deployment.id).where(Deployment.process_id == "level_approval")
                         ).first()
        draft = diagrams.save_draft(s, world.settings, xml=xml, forms=forms or {},
                                    author="policy-hn", now=at(NOW).now(), draft_id=draft_id,
                                    base_deployment_id=base)
        return draft.id


def check(world: World, xml: str, forms=None):
    with session_scope(world.engine) as s:
        return diagrams.check_draft(s, world.settings, at(NOW), xml, forms or {},
                                    "level_approval.bpmn")


def deploy(world: World, draft_id: int, note: str = "审批环节增加提前提醒"):
    with session_scope(world.engine, write=True) as s:
        return diagrams.deploy_draft(s, world.settings, at(NOW), draft_id, "policy-hn", note)


def test_a_draft_is_saved_and_updated_without_deploying(world: World) -> None:
    draft_id = save(world, newest_xml(world, "level_approval"))
    again = save(world, with_label(newest_xml(world, "level_approval"), "approve", "审批"),
                 draft_id=draft_id)
    assert again == draft_id
    with session_scope(world.engine) as s:
        draft = diagrams.get_draft(s, draft_id)
        assert (draft.process_id, draft.file_name, draft.author) == (
            "level_approval", "level_approval.bpmn", "policy-hn")
        assert 'name="审批"' in draft.bpmn_xml
        assert [d.id for d in diagrams.list_drafts(s, "level_approval")] == [draft_id]
        assert len(versions.version_list(s, "level_approval")) == 1
        with pytest.raises(NotFound):
            diagrams.get_draft(s, draft_id + 1)


def test_unreadable_or_hostile_xml_is_not_saved(world: World) -> None:
    with pytest.raises(InvalidData, match="DOCTYPE"):
        save(world, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                    '<x>&e;</x>')
    with pytest.raises(InvalidData, match="well-formed"):
        save(world, "<bpmn:definitions")
    with pytest.raises(InvalidData, match="表单"):
        save(world, newest_xml(world, "level_approval"), forms={"approve": "not a schema"})


def test_upload_refuses_an_entity_bomb_with_a_clear_message(world: World) -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;">]><definitions>&lol2;</definitions>')
    with session_scope(world.engine, write=True) as s, pytest.raises(InvalidData) as caught:
        diagrams.upload_draft(s, world.settings, bomb, "evil.bpmn", "policy-hn", at(NOW).now())
    assert "DOCTYPE" in str(caught.value)
    with session_scope(world.engine, write=True) as s:
        draft = diagrams.upload_draft(s, world.settings, committed("report_in").encode(),
                                      "C:\\Users\\me\\report_in.bpmn", "policy-hn",
                                      at(NOW).now())
        assert (draft.process_id, draft.file_name) == ("report_in", "report_in.bpmn")


def test_check_lists_problems_with_their_element(world: World) -> None:
    result = check(world, without_assignee(newest_xml(world, "level_approval"), "approve"))
    assert not result.ok
    assert [(p.element_id, p.file) for p in result.problems] == [
        ("approve", "level_approval.bpmn")]
    assert "no assignee" in result.problems[0].message
    forms = {"Bad Name": {"type": "object"}, "broken": {"type": "objekt"}}
    result = check(world, newest_xml(world, "level_approval"), forms)
    assert {p.file for p in result.problems} == {"forms/Bad Name.schema.json",
                                                 "forms/broken.schema.json"}


def test_check_names_every_process_a_deploy_would_change(world: World) -> None:
    unchanged = check(world, newest_xml(world, "level_approval"))
    assert unchanged.ok and unchanged.changes == {}
    result = check(world, with_early_reminder(newest_xml(world, "level_approval")))
    assert result.ok, result.problems
    assert set(result.changes) == {"level_approval"} | CALLERS
    assert result.changes["level_approval"] == ("逐级审批", 1)


def test_a_form_edited_in_the_draft_is_deployed_with_it(world: World) -> None:
    with session_scope(world.engine) as s:
        forms = diagrams.known_forms(s)
    approve = json.loads(json.dumps(forms["approve"]))
    approve["properties"]["comment"]["maxLength"] = 800
    draft_id = save(world, newest_xml(world, "level_approval"), {"approve": approve})
    deploy(world, draft_id, "意见放宽至800字")
    with session_scope(world.engine) as s:
        intra = versions.version_list(s, "intra_province")[0]
        dep = versions.get_version(s, intra.id)
        assert intra.version == 2
        assert versions.version_forms(dep)["approve"]["properties"]["comment"][
            "maxLength"] == 800


def test_deploy_needs_a_note_and_a_clean_check(world: World) -> None:
    bad = save(world, without_assignee(newest_xml(world, "level_approval"), "approve"))
    with pytest.raises(InvalidData, match="变更说明"):
        deploy(world, bad, "  ")
    with pytest.raises(diagrams.DraftRefused) as refused:
        deploy(world, bad)
    assert refused.value.problems[0].element_id == "approve"
    with session_scope(world.engine) as s:
        assert len(versions.version_list(s, "level_approval")) == 1


def test_deploy_makes_new_versions_audited_with_who_and_why(world: World) -> None:
    running = start_cross_county(world)
    draft_id = save(world, with_early_reminder(newest_xml(world, "level_approval")))
    results = deploy(world, draft_id)
    assert {r.process_id for r in results if r.created} == {"level_approval"} | CALLERS
    with session_scope(world.engine) as s:
        rows = versions.version_list(s, "intra_province")
        assert [(r.version, r.running, r.created_by, r.note) for r in rows] == [
            (2, 0, "policy-hn", "审批环节增加提前提醒"), (1, 1, "policy-hn", "初始版本")]
        events = s.scalars(select(AuditEvent).where(AuditEvent.chain == "system",
                                                    AuditEvent.action == "deploy",
                                                    AuditEvent.actor == "policy-hn",
                                                    AuditEvent.comment == "审批环节增加提前提醒")
                           ).all()
        assert {e.changes["process_id"] for e in events} == {"level_approval"} | CALLERS
        assert diagrams.get_draft(s, draft_id).deployed_as is not None
        assert diagrams.list_drafts(s) == []
        listed = {p.process_id: p for p in versions.process_list(s)}
        assert (listed["intra_province"].versions, listed["intra_province"].running) == (2, 1)
    fresh = world.start("2026-03-03T09:00", "sec-CS-YL-P1-B1", kind="intra", member="M-YL",
                        target_branch="CS-YH-P1-B1")
    world.do(fresh, "initiate", "op-CS-YL-P1", "2026-03-03T10:00", INITIATE)
    world.do(running, "initiate", "op-CS-YL-JY-P1", "2026-03-03T10:00", INITIATE)
    with session_scope(world.engine) as s:
        def timers(case):
            return sorted(s.scalars(select(Timer.task_spec).where(
                Timer.instance_id == case.instance_id, Timer.status == "waiting")))
        assert "approve_early" in timers(fresh)
        assert "approve_early" not in timers(running)
        old, new = (s.get(Instance, c.instance_id).deployment_id for c in (running, fresh))
        assert (versions.get_version(s, old).version, versions.get_version(s, new).version) == (
            1, 2)


def test_diff_lists_added_removed_and_changed_elements(world: World) -> None:
    xml = newest_xml(world, "level_approval")
    edited = with_property(with_label(with_early_reminder(xml), "approve", "逐级审批（审核）"),
                           "approve", "deadline_working_days", "7")
    deploy(world, save(world, edited))
    with session_scope(world.engine) as s:
        old, new = versions.version_list(s, "level_approval")[::-1]
        diff = versions.diff_versions(s, old.id, new.id)
        back = versions.diff_versions(s, new.id, old.id)
        with pytest.raises(NotFound):
            intra = versions.version_list(s, "intra_province")[0]
            versions.diff_versions(s, old.id, intra.id)
    added = {c.element_id for c in diff.diagram.added}
    assert added == {"approve_early", "approve_early_remind", "approve_early_done",
                     "approve_early__remind", "approve_early_remind__done"}
    assert {c.element_id for c in back.diagram.removed} == added
    [approve] = diff.diagram.changed
    assert approve.element_id == "approve"
    assert {(c.facet, c.old, c.new) for c in approve.changes} == {
        ("attr:name", "逐级审批", "逐级审批（审核）"),
        ("property:deadline_working_days", "5", "7")}
    assert diff.forms_changed == diff.forms_added == []


def test_a_deployed_draft_is_kept_as_deployed_edits_start_a_new_one(world: World) -> None:
    draft_id = save(world, with_early_reminder(newest_xml(world, "level_approval")))
    deploy(world, draft_id)
    again = save(world, with_label(newest_xml(world, "level_approval"), "approve", "审批"),
                 draft_id=draft_id)
    assert again != draft_id
    with session_scope(world.engine) as s:
        old, new = diagrams.get_draft(s, draft_id), diagrams.get_draft(s, again)
        assert 'name="审批"' not in old.bpmn_xml and 'name="审批"' in new.bpmn_xml
        assert new.base_deployment_id == old.deployed_as
