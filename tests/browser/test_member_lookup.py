"""The member looks up their own transfer without signing in (issue 6, items 6 and 9)."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from app.db import session_scope
from app.models import Member
from tests.browser.test_case_journey import shot
from tests.procedures.conftest import World


def test_member_looks_up_progress(world: World, page) -> None:
    case = world.start("2026-03-02T09:00", "sec-CS-YL-JY-P1-B1", kind="intra", member="M-JY",
                       target_branch="CS-YH-P1-B1")
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", {"decision": "initiate"})
    with session_scope(world.engine) as s:
        tail = s.scalar(select(Member.id_number).where(Member.code == "M-JY"))[-6:]
    page.goto("/progress")
    expect(page.locator("h1")).to_contain_text("转接进度查询")
    page.fill("#number", case.number)
    page.fill("#id_tail", "000000")
    page.click("button[type=submit]")
    expect(page.locator(".flash.error")).to_contain_text("未查询到")
    page.fill("#number", case.number)
    page.fill("#id_tail", tail)
    page.click("button[type=submit]")
    expect(page.locator("text=当前状态")).to_be_visible()
    text = page.inner_text("main")
    assert "审批中" in text and "省内转接" in text and "党员JY" not in text
    shot(page, "21-member-progress")
