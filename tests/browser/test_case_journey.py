"""A new operator's day: one intra-province case carried from application to report in the
browser, by each organisation's own login (the demo-style logins of the world), with one
send-back on the way. Screenshots of every page go to tests/browser/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.procedures.conftest import World

SHOTS = Path(__file__).resolve().parent / "screenshots"


def shot(page: Any, name: str) -> None:
    """A full-page screenshot (1366 wide) for the user guide and for looking at the pages."""
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def switch_user(page: Any, username: str) -> None:
    """Sign out (if signed in) and sign in as *username*: each organisation acts itself."""
    if page.locator("header form button", has_text="退出").count():
        page.click("header form button:has-text('退出')")
        page.wait_for_url("**/login")
    sign_in(page, username)
    expect(page.locator("header .who")).to_be_visible()


def open_task(page: Any, title: str) -> None:
    """From the inbox, open the task whose title starts with *title*."""
    page.click("nav.side a:has-text('待办')")
    link = page.locator("a.task-link", has_text=title)
    expect(link).to_have_count(1)
    link.click()
    expect(page.locator("h1")).to_contain_text(title)


def done_message(page: Any, title: str) -> None:
    expect(page.locator(".flash.success")).to_contain_text(f"已办理：{title}")


def apply(page: Any) -> str:
    """The branch secretary applies for M-JY, sees the route, submits; the case number."""
    switch_user(page, "sec-CS-YL-JY-P1-B1")
    page.click("nav.side a:has-text('发起转接')")
    page.select_option("#f-member", "M-JY")
    page.check("input[name=kind][value=intra]")
    expect(page.locator("[data-kind=out]")).to_be_hidden()  # only the part for 省内转接
    page.fill("#f-target_branch", "侯家塘")
    page.wait_for_selector("#branch-suggestions option[value^='CS-YH-P1-B1']", state="attached")
    page.fill("#f-target_branch", "CS-YH-P1-B1 侯家塘街道机关党支部")
    page.fill("#f-reason", "工作调动")
    page.fill("#f-contact_phone", "0731-88888888")
    shot(page, "01-apply")
    page.click("button:has-text('下一步')")
    expect(page.locator("h1")).to_have_text("确认转接路径")
    line = page.locator("ol.progress-line")
    for name in ("中共长沙市某中学委员会", "中共长沙市岳麓区委教育工作委员会",
                 "中共长沙市岳麓区委组织部", "中共长沙市雨花区委组织部",
                 "中共长沙市雨花区侯家塘街道工作委员会"):
        expect(line).to_contain_text(name)
    shot(page, "02-route-preview")
    page.click("button:has-text('确认提交')")
    flash = page.locator(".flash.success")
    expect(flash).to_contain_text("已提交，案件编号")
    shot(page, "03-submitted")
    found = re.search(r"ZJ\d+", flash.inner_text())
    assert found
    return found.group(0)


def initiate_and_approve(page: Any, number: str) -> None:
    switch_user(page, "op-CS-YL-JY-P1")
    expect(page.locator("table.inbox")).to_contain_text(number)
    shot(page, "04-inbox")
    open_task(page, "发起审核：党员JY")
    expect(page.locator(".case-summary")).to_contain_text("4301**********")
    shot(page, "05-task-initiate")
    page.click("button:has-text('审核通过，发起转接')")
    done_message(page, "发起审核：党员JY")
    switch_user(page, "op-CS-YL-JY")
    open_task(page, "审批（第1级）：党员JY")
    page.click("button:has-text('同意')")
    done_message(page, "审批（第1级）")


def send_back_once(page: Any) -> None:
    """Level 2 sends back with a reason; level 1 reviews again and approves."""
    switch_user(page, "op-CS-YL")
    open_task(page, "审批（第2级）：党员JY")
    page.click("button:has-text('退回上一步')")  # without a reason: refused beside the field
    expect(page.locator("[data-field=reason_code] .field-error")).to_have_text("请填写“退回原因”")
    shot(page, "06-send-back-needs-reason")
    page.select_option("#f-reason_code", "info_incorrect")
    page.fill("#f-comment", "请核对党员民族信息")
    page.click("button:has-text('退回上一步')")
    done_message(page, "审批（第2级）")
    switch_user(page, "op-CS-YL-JY")
    open_task(page, "审批（第1级）：党员JY")
    history = page.locator("table.history")
    expect(history).to_contain_text("信息有误")
    expect(history).to_contain_text("请核对党员民族信息")
    shot(page, "07-task-after-send-back")
    page.click("button:has-text('同意')")
    done_message(page, "审批（第1级）")


def approve_levels_2_and_3(page: Any) -> None:
    for user, level in (("op-CS-YL", 2), ("op-CS-YH", 3)):
        switch_user(page, user)
        open_task(page, f"审批（第{level}级）：党员JY")
        page.fill("#f-comment", "同意转接")
        page.click("button:has-text('同意')")
        done_message(page, f"审批（第{level}级）")


def review_receive_report(page: Any) -> None:
    switch_user(page, "op-CS-YH")
    open_task(page, "档案审核：党员JY")
    page.check("input[name=result][value=pass]")
    for item in ("application", "political_review", "full_member"):
        page.check(f"input[name=items_present][value={item}]")
    shot(page, "08-archive-review")
    page.click("button:has-text('提交')")
    done_message(page, "档案审核：党员JY")
    switch_user(page, "op-CS-YH-P1")
    open_task(page, "接收：党员JY")
    expect(page.locator("#f-target_branch")).to_have_value("CS-YH-P1-B1")
    page.check("#f-record_checked")
    shot(page, "09-receive")
    page.click("button:has-text('提交')")
    done_message(page, "接收：党员JY")
    switch_user(page, "sec-CS-YH-P1-B1")
    open_task(page, "报到登记：党员JY")
    expect(page.locator("ol.progress-line .step").last).to_contain_text("侯家塘街道机关党支部")
    shot(page, "10-report")
    page.click("button:has-text('提交')")
    done_message(page, "报到登记：党员JY")


def test_a_case_from_application_to_report(page: Any, world: World) -> None:
    number = apply(page)
    initiate_and_approve(page, number)
    send_back_once(page)
    approve_levels_2_and_3(page)
    review_receive_report(page)
    page.click("a:has-text('已办')")
    expect(page.locator("table.inbox")).to_contain_text("已完成")
    shot(page, "11-done")
    page.click("nav.side a:has-text('发起转接')")  # the member now sits in the new branch
    expect(page.locator("#f-member")).to_contain_text("党员JY")
    shows = world.show(next(iter(_case(world, number))))
    assert shows["status"] == "completed" and world.branch_of("M-JY") == "CS-YH-P1-B1"


def _case(world: World, number: str) -> list[Any]:
    from sqlalchemy import select

    from app.db import session_scope
    from app.models import TransferCase

    with session_scope(world.engine) as s:
        return list(s.scalars(select(TransferCase).where(TransferCase.number == number)))
