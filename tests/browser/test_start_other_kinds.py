"""In the browser: an operator registers a paper letter from another province, and applies
for a whole-unit transfer, each seeing the route before confirming."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from playwright.sync_api import expect

from app.engine.clock import SystemClock, local_date
from tests.browser.conftest import sign_in
from tests.browser.test_case_journey import shot
from tests.procedures.conftest import World
from tests.procedures.test_paper_letters import REGISTRATION


def test_registering_an_incoming_letter(page: Any, world: World) -> None:
    issued = (local_date(SystemClock().now()).date() - timedelta(days=3)).isoformat()
    sign_in(page, "op-CS")
    page.click("nav.side a:has-text('发起转接')")
    shot(page, "17-start-choices")
    page.click("a:has-text('登记省外转入介绍信')")
    for name in ("serial", "issuing_org", "province", "reason", "contact_phone"):
        page.fill(f"#f-{name}", str(REGISTRATION[name]))
    page.fill("#f-issued_on", issued)
    member = REGISTRATION["member"]
    for name in ("name", "ethnicity", "birth_date", "joined_on", "phone"):
        page.fill(f"#f-member-{name}", str(member[name]))
    page.fill("#f-member-id_number", "440106199005060027")  # a wrong check digit
    page.check("input[name='member.gender'][value='女']")
    page.check("input[name='member.category'][value=full]")
    page.fill("#f-member-dues_paid_until", "2026-02")
    page.fill("#f-target_branch", "莲花镇")
    page.wait_for_selector("#branch-suggestions option[value^='CS-YL-P2-B1']", state="attached")
    page.fill("#f-target_branch", "CS-YL-P2-B1 莲花镇机关党支部")
    page.click("button:has-text('下一步')")
    expect(page.locator("[data-field='member.id_number'] .field-error")).to_have_text(
        "公民身份号码无效：校验码不正确，请逐位核对")
    expect(page.locator("#f-member-name")).to_have_value("王五")  # what was typed is kept
    shot(page, "18-incoming-refused")
    page.fill("#f-member-id_number", str(member["id_number"]))
    page.click("button:has-text('下一步')")
    expect(page.locator("ol.progress-line")).to_contain_text("中共长沙市岳麓区委组织部")
    shot(page, "19-incoming-route")
    page.click("button:has-text('确认提交')")
    expect(page.locator(".flash.success")).to_contain_text("已提交，案件编号")


def test_applying_for_a_whole_unit_transfer(page: Any, world: World) -> None:
    sign_in(page, "op-CS-YL-P1")
    page.goto("/start/whole-unit")
    page.select_option("#f-unit", "CS-YL-P1-V")
    page.fill("#f-new_parent", "莲花镇")
    page.wait_for_selector("#parent-suggestions option[value^='CS-YL-P2']", state="attached")
    page.fill("#f-new_parent", "CS-YL-P2 中共长沙市岳麓区莲花镇委员会")
    page.click("button:has-text('下一步')")
    line = page.locator("ol.progress-line")
    expect(line).to_contain_text("同意接收")
    expect(line).to_contain_text("中共长沙市岳麓区委组织部")
    shot(page, "20-whole-unit-route")
    page.click("button:has-text('确认提交')")
    expect(page.locator(".flash.success")).to_contain_text("已提交")
