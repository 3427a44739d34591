"""In the browser: the overdue mark, a refusal's confirmation, the printed letter, the
notifications. Cases are started through the services on dates long past, so their
deadlines are over by the live server's clock."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_case_journey import open_task, shot
from tests.procedures.conftest import World
from tests.procedures.test_intra_province import start_cross_county
from tests.procedures.test_paper_letters import start_out


def test_overdue_mark_and_notification(page: Any, world: World) -> None:
    start_cross_county(world)  # 2026-03-02: the initiation was due by the end of 03-09
    world.fire("2026-03-10T00:00:00+08:00")
    sign_in(page, "op-CS-YL-JY-P1")
    row = page.locator("table.inbox tbody tr").first
    expect(row.locator(".badge.overdue")).to_have_text("已超期")
    expect(row).to_contain_text(re.compile(r"已超期 \d+ 个工作日"))
    expect(page.locator(".tabs a", has_text="已超期")).to_contain_text("1")
    shot(page, "12-overdue")
    expect(page.locator("header .notice-count")).to_have_text("1")
    page.click("header a.notices")
    expect(page.locator("table.notices")).to_contain_text("超期提醒")
    shot(page, "13-notifications")
    page.click("button:has-text('标为已读')")
    expect(page.locator(".flash.success")).to_contain_text("已将 1 条通知标为已读")
    expect(page.locator("header .notice-count")).to_have_count(0)


def test_refusing_asks_for_confirmation(page: Any, world: World) -> None:
    case = start_cross_county(world)
    sign_in(page, "op-CS-YL-JY-P1")
    open_task(page, "发起审核：党员JY")
    page.select_option("#f-reason_code", "no_reason")
    page.click("button:has-text('不予转接')")
    expect(page.locator("[data-field=comment] .field-error")).to_have_text("不予转接须写明具体理由")
    page.fill("#f-comment", "党员本人申请撤回")
    page.click("button:has-text('不予转接')")
    expect(page.locator("h1")).to_have_text("请确认：不予转接")
    shot(page, "14-confirm-refusal")
    page.click("button:has-text('确认不予转接')")
    expect(page.locator(".flash.success")).to_contain_text("已办理")
    assert world.show(case)["status"] == "refused"


def test_the_issuer_prints_the_letter(page: Any, world: World) -> None:
    start_out(world)
    sign_in(page, "op-CS-YL")
    open_task(page, "交付介绍信：党员YL")
    shot(page, "15-task-handover")
    with page.context.expect_page() as opened:
        page.click("a:has-text('打印介绍信')")
    letter = opened.value
    letter.wait_for_load_state()
    expect(letter.locator("body")).to_contain_text("存根")
    expect(letter.locator("body")).to_contain_text("叁拾")
    letter.screenshot(path=str(_shots() / "16-letter-print.png"), full_page=True)
    pdf = page.request.get(page.locator("a:has-text('下载介绍信 PDF')").get_attribute("href"))
    assert pdf.status == 200 and pdf.body()[:4] == b"%PDF"
    letter.close()


def _shots() -> Any:
    from tests.browser.test_case_journey import SHOTS

    SHOTS.mkdir(exist_ok=True)
    return SHOTS
