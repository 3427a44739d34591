"""Policy staff in the browser (issue 8): edit the approval step in the bpmn-js editor, check,
deploy, see the diff; running cases keep their version until migrated on purpose; the
working-day calendar. Screenshots land in tests/browser/screens/ (not committed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.models import AuditEvent, Deployment, Instance, Timer
from tests.browser.conftest import sign_in
from tests.procedures.conftest import World
from tests.procedures.test_intra_province import INITIATE, start_cross_county
from tests.services.diagram_variants import policy_user

SCREENS = Path(__file__).parent / "screenshots"


def shot(page: Any, name: str) -> None:
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENS / f"policy-{name}.png"))


@pytest.fixture
def staff_page(page: Any, world: World) -> Any:
    with session_scope(world.engine, write=True) as s:
        policy_user(s)
    sign_in(page, "policy-hn")
    return page


def newest(world: World, process_id: str) -> Deployment:
    with session_scope(world.engine) as s:
        return s.scalars(select(Deployment).where(Deployment.process_id == process_id)
                         .order_by(Deployment.version.desc())).first()


def open_approval_step(page: Any) -> None:
    """From the process list to the editor of 逐级审批 (the approval step of Art. 9)."""
    page.goto("/editor/")
    page.locator("#processes tr", has_text="level_approval").get_by_text("编辑").click()
    page.wait_for_selector("#editor[data-ready=true]")
    page.evaluate("""() => { const m = window.zjModeler, c = m.get('canvas');
        c.zoom(1.0); c.scrollToElement(m.get('elementRegistry').get('approve')); }""")


def selected(page: Any) -> str:
    return str(page.evaluate("window.zjModeler.get('selection').get()[0].id"))


def context_pad(page: Any, action: str) -> None:
    page.click(f".djs-context-pad .entry[data-action='{action}']")


def replace_with(page: Any, entry: str) -> None:
    context_pad(page, "replace")
    page.click(f".djs-popup .entry[data-id='{entry}']")


def set_field(page: Any, selector: str, value: str) -> None:
    page.fill(selector, value)
    page.press(selector, "Tab")


def add_reminder_timer(page: Any) -> None:
    """A non-interrupting timer on 逐级审批 after 3 working days running notify/remind."""
    box = page.locator("g.djs-shape[data-element-id=approve] .djs-visual > rect").bounding_box()
    page.click(".djs-palette .entry[data-action='create.intermediate-event']")
    x, y = box["x"] + box["width"] * 0.3, box["y"] + box["height"]
    page.mouse.move(x - 10, y - 10)
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    page.click("#props h2")  # the click that ends a drag is swallowed by the canvas
    assert page.evaluate("window.zjModeler.get('selection').get()[0].host.id") == "approve"
    replace_with(page, "replace-with-non-interrupting-timer-boundary")
    set_field(page, "#zj-name", "三日提醒")
    set_field(page, "#zj-timer", "deadline(working_days=3)")
    context_pad(page, "append.append-task")
    replace_with(page, "replace-with-service-task")
    set_field(page, "#zj-name", "提醒审批党组织")
    page.select_option("#zj-operator", "notify/remind")
    params = page.locator(".params .param input")
    set_field(page, ".params .param:first-child input:first-child", "task")
    params.nth(1).fill("'approve'")
    params.nth(1).press("Tab")
    context_pad(page, "append.end-event")


def check_and_deploy(page: Any, note: str) -> str:
    page.click("#btn-check")
    page.wait_for_selector("#problems.good")
    page.click("#btn-deploy")
    page.wait_for_selector("#deploy-dialog[open]")
    assert "省内转接" in page.inner_text("#deploy-changes")
    page.fill("#deploy-note", note)
    page.click("#deploy-confirm")
    page.locator("#ed-status", has_text="部署成功").wait_for()
    return str(page.inner_text("#problems"))


def test_reminder_timer_new_cases_get_it_running_cases_move_only_on_purpose(
        staff_page: Any, world: World) -> None:
    page = staff_page
    running = start_cross_county(world)
    world.do(running, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    old = newest(world, "intra_province")
    open_approval_step(page)
    add_reminder_timer(page)
    shot(page, "editor-reminder")
    result = check_and_deploy(page, "审批环节增加三个工作日提醒")
    assert "逐级审批 第 2 版" in result and "省内转接 第 2 版" in result
    shot(page, "editor-deployed")
    new = newest(world, "intra_province")
    assert new.version == 2 and new.note == "审批环节增加三个工作日提醒"

    fresh = world.start("2026-03-03T09:00", "sec-CS-YL-P1-B1", kind="intra", member="M-YL",
                        target_branch="CS-YH-P1-B1")
    world.do(fresh, "initiate", "op-CS-YL-P1", "2026-03-03T10:00", INITIATE)
    with session_scope(world.engine) as s:
        assert s.get(Instance, fresh.instance_id).deployment_id == new.id
        assert s.get(Instance, running.instance_id).deployment_id == old.id
        reminders = s.scalars(select(Timer.instance_id).join(Instance).where(
            Timer.status == "waiting", Timer.task_spec.like("Event_%"))).all()
        assert reminders == [fresh.instance_id]  # only the new case has the new reminder

    page.goto("/editor/process/intra_province")
    assert [t.strip() for t in page.locator("#versions td.running").all_inner_texts()] == [
        "1", "1"]
    page.select_option("#from", str(old.id))
    page.select_option("#to", str(new.id))
    page.click("#migrate button[type=submit]")
    page.wait_for_selector("#plans")
    row = page.locator(f"#plans tr[data-instance='{running.instance_id}']")
    assert "可迁移" in row.inner_text()
    shot(page, "migrate-dry-run")
    row.locator("input[name=instance]").check()
    page.fill("#reason", "按新版本提醒规则办理")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#migrate-submit")
    page.wait_for_selector("#migrate-done")
    assert "已迁移 1 件案件" in page.inner_text("#migrate-done")
    shot(page, "migrate-done")
    with session_scope(world.engine) as s:
        assert s.get(Instance, running.instance_id).deployment_id == new.id
        event = s.scalars(select(AuditEvent).where(
            AuditEvent.instance_id == running.instance_id,
            AuditEvent.action == "instance_migrated")).one()
        assert (event.actor, event.comment) == ("policy-hn", "按新版本提醒规则办理")


def test_edit_label_see_lint_error_fix_deploy_and_diff(staff_page: Any, world: World) -> None:
    page = staff_page
    open_approval_step(page)
    page.click("g.djs-shape[data-element-id=approve] > rect.djs-hit")
    assert selected(page) == "approve"
    set_field(page, "#zj-name", "逐级审批（审核）")
    set_field(page, "#zj-assignee", "")
    page.click("#btn-check")
    page.wait_for_selector("#problems.bad")
    assert "approve：用户任务未设置办理单位表达式（assignee）" in page.inner_text("#problem-list")
    assert page.locator("g.djs-element.zj-problem[data-element-id=approve]").count() == 1
    shot(page, "editor-problem")
    page.click("#btn-deploy")  # a deploy runs the check first and stops at the problem
    assert not page.is_visible("#deploy-dialog")
    page.click("#problems-summary")  # away from the element
    page.evaluate("window.zjModeler.get('selection').select([])")
    page.click("#problem-list a")
    assert selected(page) == "approve"
    set_field(page, "#zj-assignee", "route['approvers'][level]")

    page.click("#tab-link-forms")
    page.click("#form-list a:has-text('approve')")
    schema = page.input_value("#form-json").replace('"逐级审批"', '"逐级审批意见"', 1)
    page.fill("#form-json", schema)
    page.locator("#form-preview", has_text="逐级审批意见").wait_for()
    shot(page, "editor-forms")
    page.click("#tab-link-diagram")

    check_and_deploy(page, "审批环节更名，审批意见表单标题调整")
    page.click("#problems-summary a")
    page.wait_for_selector("#versions")
    assert "审批环节更名" in page.inner_text("#versions")
    page.get_by_text("与上一版比较").click()
    page.wait_for_selector("#diff[data-ready=true]")
    changes = page.inner_text("#changes")
    assert "名称：逐级审批 → 逐级审批（审核）" in changes and "修改表单" in changes
    for side in ("old", "new"):
        assert page.locator(f"#viewer-{side} g.zj-changed[data-element-id=approve]").count() == 1
    shot(page, "diff")


def test_calendar_marks_a_day_from_the_year_view(staff_page: Any, world: World) -> None:
    page = staff_page
    page.goto("/calendar/?year=2027")
    assert "暂定（尚无官方安排）" in page.inner_text("#year-status")
    shot(page, "calendar")
    page.click("td[data-day='2027-01-04'] a")
    assert page.input_value("#day") == "2027-01-04"
    page.check("input[name=kind][value=holiday]")
    page.fill("#note", "依据通知调整")
    page.click("#mark button[type=submit]")
    page.wait_for_selector(".flash.success")
    assert "重新计算了 0 个未到期的期限" in page.inner_text(".flash.success")
    assert "entry" in (page.get_attribute("td[data-day='2027-01-04']", "class") or "")
