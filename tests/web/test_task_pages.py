"""The task page: summary, progress, the form from its schema, validation, actions, access."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.db import session_scope
from app.models import AuditEvent, HumanTask, Member, TransferCase
from tests.procedures.conftest import World, at
from tests.procedures.test_intra_province import APPROVE, INITIATE, PASS, start_cross_county
from tests.web.conftest import sign_in


def task_state(world: World, task_id: int) -> tuple[str, str | None]:
    with session_scope(world.engine) as s:
        task = s.get(HumanTask, task_id)
        return task.status, task.decision


def case_status(world: World, case) -> str:
    with session_scope(world.engine) as s:
        return s.get(TransferCase, case.id).status


def audit_count(world: World) -> int:
    with session_scope(world.engine) as s:
        return len(s.scalars(select(AuditEvent.id)).all())


def test_task_page_shows_summary_masked_id_progress_and_buttons(app, client, world) -> None:
    case = start_cross_county(world)
    task = world.task(case, "initiate")
    app.config["CLOCK"] = at("2026-03-02T11:00")
    sign_in(client, "op-CS-YL-JY-P1")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    member = world.member("M-JY")
    assert member.id_number not in page
    assert f"{member.id_number[:4]}**********{member.id_number[-4:]}" in page
    assert "某中学教师党支部" in page and "侯家塘街道机关党支部" in page  # from → to
    assert "第3级审批" in page and "中共长沙市雨花区委组织部" in page  # the route
    assert "用时 0 / 5 个工作日" in page
    for label in ("审核通过，发起转接", "退回党支部修改", "不予转接…"):
        assert f">{label}</button>" in page
    assert 'name="reason_code"' in page and "审核结论为“退回党支部修改”或“不予转接”时必填" in page


def test_another_organisations_task_is_refused(client, world) -> None:
    case = start_cross_county(world)
    task = world.task(case, "initiate")
    sign_in(client, "op-CS-YL")
    assert client.get(f"/tasks/{task.id}").status_code == 403
    before = audit_count(world)
    response = client.post(f"/tasks/{task.id}", data={"decision": "initiate"})
    assert response.status_code == 403 and "无权访问" in response.get_data(as_text=True)
    assert task_state(world, task.id) == ("open", None) and audit_count(world) == before
    assert client.get("/tasks/999999").status_code == 404


def test_invalid_data_shows_messages_beside_fields_and_writes_nothing(client, world) -> None:
    case = start_cross_county(world)
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    task = world.task(case, "approve", org="CS-YL-JY")
    sign_in(client, "op-CS-YL-JY")
    before = audit_count(world)
    response = client.post(f"/tasks/{task.id}", data={"decision": "send_back",
                                                      "comment": "请补充材料说明"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'data-field="reason_code".*?field-error[^>]*>请填写“退回原因”', page, re.S)
    assert "请补充材料说明</textarea>" in page  # what the user typed is kept
    assert task_state(world, task.id) == ("open", None) and audit_count(world) == before


def test_approving_completes_and_the_task_then_reads_only(client, world) -> None:
    case = start_cross_county(world)
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    task = world.task(case, "approve", org="CS-YL-JY")
    sign_in(client, "op-CS-YL-JY")
    response = client.post(f"/tasks/{task.id}", data={"decision": "approve", "comment": "同意"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/inbox")
    assert "已办理：审批（第1级）：党员JY" in client.get("/inbox").get_data(as_text=True)
    assert task_state(world, task.id) == ("completed", "approve")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "本任务已于" in page and "由 op-CS-YL-JY 办理" in page
    assert f'action="/tasks/{task.id}"' not in page
    assert "<dt>意见</dt><dd>同意</dd>" in page
    again = client.post(f"/tasks/{task.id}", data={"decision": "approve"})
    assert again.status_code == 302
    assert "此任务已办结" in client.get(f"/tasks/{task.id}").get_data(as_text=True)


def test_refusing_needs_a_confirmation_with_a_written_reason(client, world) -> None:
    case = start_cross_county(world)
    task = world.task(case, "initiate")
    sign_in(client, "op-CS-YL-JY-P1")
    skipped = client.post(f"/tasks/{task.id}", data={"decision": "refuse", "confirmed": "1",
                                                     "reason_code": "no_reason"})
    assert skipped.status_code == 422 and task_state(world, task.id) == ("open", None)
    no_reason = client.post(f"/tasks/{task.id}", data={"decision": "refuse",
                                                       "reason_code": "no_reason"})
    assert no_reason.status_code == 422
    assert "不予转接须写明具体理由" in no_reason.get_data(as_text=True)
    data = {"decision": "refuse", "reason_code": "no_reason", "comment": "党员本人撤回申请"}
    confirm = client.post(f"/tasks/{task.id}", data=data)
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "请确认：不予转接" in page and "此操作不可撤回" in page
    assert "无正当转接理由" in page and task_state(world, task.id) == ("open", None)
    back = client.post(f"/tasks/{task.id}", data={**data, "back": "1"}).get_data(as_text=True)
    assert "党员本人撤回申请</textarea>" in back
    done = client.post(f"/tasks/{task.id}", data={**data, "confirmed": "1"})
    assert done.status_code == 302 and case_status(world, case) == "refused"


def test_receive_suggests_the_receivers_branches_and_checks_the_choice(client, world) -> None:
    case = start_cross_county(world)
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    for level in ("CS-YL-JY", "CS-YL", "CS-YH"):
        world.do(case, "approve", f"op-{level}", "2026-03-03T10:00", APPROVE, org=level)
    world.do(case, "archive_review", "op-CS-YH", "2026-03-04T10:00", PASS)
    task = world.task(case, "receive")
    sign_in(client, "op-CS-YH-P1")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert '<datalist id="branch-choices">' in page
    assert '<option value="CS-YH-P1-B1">侯家塘街道机关党支部</option>' in page
    assert 'name="target_branch" value="CS-YH-P1-B1"' in page  # the applicant's choice
    wrong = client.post(f"/tasks/{task.id}", data={"target_branch": "CS-YL-P2-B1",
                                                   "record_checked": "on"})
    assert wrong.status_code == 422 and "不属于接收党委" in wrong.get_data(as_text=True)
    unchecked = client.post(f"/tasks/{task.id}", data={"target_branch": "CS-YH-P1-B1"})
    assert unchecked.status_code == 422
    ok = client.post(f"/tasks/{task.id}", data={"target_branch": "CS-YH-P1-B1",
                                                "record_checked": "on"})
    assert ok.status_code == 302 and world.branch_of("M-JY") == "CS-YH-P1-B1"


def test_withdraw_needs_a_reason_and_ends_the_case(client, world) -> None:
    case = start_cross_county(world)
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00",
             {"decision": "send_back", "reason_code": "info_incomplete"})
    world.do(case, "correct", "sec-CS-YL-JY-P1-B1", "2026-03-02T11:00", {"comment": "已补充"})
    task = world.task(case, "initiate")
    sign_in(client, "op-CS-YL-JY-P1")
    assert "撤销转接…" in client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "确认撤销" in client.get(f"/tasks/{task.id}/withdraw").get_data(as_text=True)
    empty = client.post(f"/tasks/{task.id}/withdraw", data={"reason": "  "})
    assert empty.status_code == 422 and "请写明撤销理由" in empty.get_data(as_text=True)
    assert case_status(world, case) == "applying"
    ok = client.post(f"/tasks/{task.id}/withdraw", data={"reason": "党员调动取消"})
    assert ok.status_code == 302 and case_status(world, case) == "withdrawn"
    with session_scope(world.engine) as s:
        member = s.scalar(select(Member).where(Member.code == "M-JY"))
        assert member.status == "active"


def test_send_back_history_shows_reason_labels(client, world) -> None:
    case = start_cross_county(world)
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00",
             {"decision": "send_back", "reason_code": "info_incomplete", "comment": "缺联系电话"})
    task = world.task(case, "correct")
    sign_in(client, "sec-CS-YL-JY-P1-B1")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "退回记录" in page and "信息填写不完整" in page and "缺联系电话" in page
    assert 'value="0731-88888888"' in page  # the letter as it was, to correct


def test_a_managers_task_page_masks_the_id_number_too(client, world: World) -> None:
    """The full 公民身份号码 is shown only on the case page, with a reason, audited."""
    from app.org.idnumber import mask
    from tests.procedures.test_paper_letters import start_out

    case = start_out(world)
    world.do(case, "handover", "op-CS-YL", "2026-03-03T10:00",
             {"method": "in_person", "handed_over_on": "2026-03-03"})
    for month in ("05", "06", "07", "08"):
        world.fire(f"2026-{month}-01T00:00:00+08:00")
    followup = world.task(case, "followup")
    sign_in(client, "mgr-CS-YL")
    page = client.get(f"/tasks/{followup.id}").get_data(as_text=True)
    number = world.member("M-YL").id_number
    assert mask(number) in page and number not in page
