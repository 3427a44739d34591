"""流程设计 pages and JSON endpoints: only policy staff; check, deploy, diff, migrate, forms."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.models import AuditEvent, Deployment, Instance
from tests.procedures.conftest import World
from tests.procedures.test_intra_province import start_cross_county
from tests.services.diagram_variants import (
    policy_user,
    with_early_reminder,
    without_assignee,
)
from tests.web.conftest import sign_in


@pytest.fixture
def staff(client, world: World):
    with session_scope(world.engine, write=True) as s:
        policy_user(s)
    sign_in(client, "policy-hn")
    return client


def newest(world: World, process_id: str) -> Deployment:
    with session_scope(world.engine) as s:
        return s.scalars(select(Deployment).where(Deployment.process_id == process_id)
                         .order_by(Deployment.version.desc())).first()


@pytest.mark.parametrize("path", ["/editor/", "/editor/process/intra_province",
                                  "/editor/edit?version=1", "/editor/version/1.bpmn"])
def test_only_policy_staff_enter(client, world: World, path: str) -> None:
    assert client.get(path).status_code == 302  # to the sign-in page
    sign_in(client, "op-CS-YL")
    refused = client.get(path)
    assert refused.status_code == 403 and "无权访问" in refused.get_data(as_text=True)
    assert client.post("/editor/api/check", json={"xml": "", "forms": {}}).status_code == 403


def test_index_history_and_download(staff, world: World) -> None:
    start_cross_county(world)
    page = staff.get("/editor/").get_data(as_text=True)
    assert "省内转接" in page and "level_approval" in page and "上传为草稿" in page
    dep = newest(world, "intra_province")
    history = staff.get("/editor/process/intra_province").get_data(as_text=True)
    assert "初始版本" in history and "第 1 版" in history
    assert '<td class="running">1</td>' in history
    download = staff.get(f"/editor/version/{dep.id}.bpmn")
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="intra_province-v1.bpmn"')
    assert download.get_data(as_text=True) == dep.bpmn_xml
    edit = staff.get(f"/editor/edit?version={dep.id}")
    assert "省内转接 第 1 版" in edit.get_data(as_text=True)
    assert "style-src-attr 'unsafe-inline'" in edit.headers["Content-Security-Policy"]
    source = staff.get(f"/editor/api/source?version={dep.id}").get_json()
    assert source["process_id"] == "intra_province" and "initiate_review" in source["forms"]
    assert "approve" in source["known_forms"]


def test_check_lists_problems_in_chinese_with_the_element(staff, world: World) -> None:
    xml = without_assignee(newest(world, "level_approval").bpmn_xml, "approve")
    result = staff.post("/editor/api/check", json={"xml": xml, "forms": {},
                                                   "file_name": "level_approval.bpmn"}).get_json()
    assert result["ok"] is False
    [problem] = result["problems"]
    assert problem["element_id"] == "approve"
    assert problem["message_cn"] == "用户任务未设置办理单位表达式（assignee）"
    good = staff.post("/editor/api/check", json={
        "xml": with_early_reminder(newest(world, "level_approval").bpmn_xml), "forms": {}}
    ).get_json()
    assert good["ok"] is True
    assert {c["process_id"] for c in good["changes"]} >= {"level_approval", "intra_province"}


def test_save_deploy_diff_and_migrate(staff, world: World) -> None:
    running = start_cross_county(world)
    base = newest(world, "level_approval")
    xml = with_early_reminder(base.bpmn_xml)
    saved = staff.post("/editor/api/drafts", json={"xml": xml, "forms": {},
                                                   "base_deployment_id": base.id}).get_json()
    assert saved["ok"] and "草稿" in staff.get("/editor/").get_data(as_text=True)
    no_note = staff.post("/editor/api/deploy", json={"xml": xml, "forms": {},
                                                     "draft_id": saved["draft_id"]})
    assert no_note.status_code == 422 and "变更说明" in no_note.get_json()["message"]
    bad = staff.post("/editor/api/deploy", json={
        "xml": without_assignee(xml, "approve"), "forms": {}, "draft_id": saved["draft_id"],
        "note": "试一试"})
    assert bad.status_code == 422 and bad.get_json()["problems"][0]["element_id"] == "approve"
    done = staff.post("/editor/api/deploy", json={"xml": xml, "forms": {}, "note": "增加提前提醒",
                                                  "draft_id": saved["draft_id"]}).get_json()
    assert done["ok"] and {(r["name"], r["version"]) for r in done["results"]} >= {
        ("逐级审批", 2), ("省内转接", 2)}
    new = newest(world, "level_approval")
    diff = staff.get(f"/editor/diff?old={base.id}&new={new.id}").get_data(as_text=True)
    assert "新增 5 项" in diff and "approve_early" in diff and "边界事件" in diff
    with session_scope(world.engine) as s:
        old_intra = s.get(Instance, running.instance_id).deployment_id
    new_intra = newest(world, "intra_province").id
    dry = staff.get(f"/editor/migrate?from={old_intra}&to={new_intra}").get_data(as_text=True)
    assert running.number in dry and "可迁移 1 件" in dry
    refused = staff.post(f"/editor/migrate?from={old_intra}&to={new_intra}",
                         data={"instance": [str(running.instance_id)], "reason": ""})
    assert refused.status_code == 422 and "请填写迁移原因" in refused.get_data(as_text=True)
    moved = staff.post(f"/editor/migrate?from={old_intra}&to={new_intra}",
                       data={"instance": [str(running.instance_id)], "reason": "统一按新版办理"},
                       follow_redirects=True)
    assert "已迁移 1 件案件" in moved.get_data(as_text=True)
    with session_scope(world.engine) as s:
        assert s.get(Instance, running.instance_id).deployment_id == new_intra
        assert s.scalars(select(AuditEvent.comment).where(
            AuditEvent.instance_id == running.instance_id,
            AuditEvent.action == "instance_migrated")).one() == "统一按新版办理"


def test_migrate_api_reports_skipped_cases(staff, world: World) -> None:
    running = start_cross_county(world)
    old = newest(world, "intra_province")
    staff.post("/editor/api/deploy", json={
        "xml": with_early_reminder(newest(world, "level_approval").bpmn_xml), "forms": {},
        "note": "增加提前提醒"})
    new = newest(world, "intra_province")
    result = staff.post("/editor/api/migrate", json={
        "from": old.id, "to": new.id, "instances": [running.instance_id, 999999],
        "reason": "批量迁移"}).get_json()
    assert result["moved"] == [running.instance_id]
    assert result["skipped"] == {"999999": ["案件已不在源版本上或已办结"]}
    other = newest(world, "report_in")
    assert staff.post("/editor/api/migrate", json={"from": old.id, "to": other.id,
                                                   "instances": [1], "reason": "x"}
                      ).status_code == 409


def test_upload_refuses_hostile_files_and_keeps_good_ones(staff, world: World) -> None:
    evil = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'
    page = staff.post("/editor/upload", data={"file": (io.BytesIO(evil), "evil.bpmn")},
                      content_type="multipart/form-data", follow_redirects=True)
    assert "文件被拒绝：BPMN 文件不允许包含 DOCTYPE 或实体声明" in page.get_data(as_text=True)
    text = staff.post("/editor/upload", data={"file": (io.BytesIO(b"hello"), "notes.txt")},
                      content_type="multipart/form-data", follow_redirects=True)
    assert "文件类型不正确" in text.get_data(as_text=True)
    good = newest(world, "report_in").bpmn_xml.encode()
    ok = staff.post("/editor/upload", data={"file": (io.BytesIO(good), "report_in.bpmn")},
                    content_type="multipart/form-data")
    assert "/editor/edit?draft=" in ok.headers["Location"]


def test_form_preview_checks_the_schema_and_renders_fields(staff) -> None:
    schema = {"type": "object", "title": "测试", "required": ["decision"], "properties": {
        "decision": {"type": "string", "title": "结论",
                     "oneOf": [{"const": "yes", "title": "同意"},
                               {"const": "no", "title": "不同意"}]},
        "comment": {"type": "string", "title": "意见", "maxLength": 500},
        "on": {"type": "string", "format": "date", "title": "日期"}},
        "allOf": [{"if": {"properties": {"decision": {"const": "no"}}},
                   "then": {"required": ["comment"]}}]}
    result = staff.post("/editor/api/form-preview", json={"schema": schema}).get_json()
    assert result["ok"] and "同意" in result["html"] and 'type="date"' in result["html"]
    assert "当“结论”为 no时必填" in result["html"] and "<textarea" in result["html"]
    broken = staff.post("/editor/api/form-preview",
                        json={"schema": {"type": "object", "properties": {"a": {"type": 5}}}}
                        ).get_json()
    assert not broken["ok"] and "JSON Schema 无效" in broken["errors"][0]
