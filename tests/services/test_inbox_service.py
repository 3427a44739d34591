"""The inbox service: tabs, working days left, search, pagination, the organisation's rows."""

from __future__ import annotations

from sqlalchemy import select

from app.db import session_scope
from app.models import User
from app.services.inbox import inbox, tab_counts
from tests.procedures.conftest import World, at
from tests.procedures.test_intra_province import INITIATE, start_cross_county


def page_of(world: World, username: str, when: str, **kw):
    with session_scope(world.engine) as s:
        user = s.scalar(select(User).where(User.username == username))
        return inbox(s, user, at(when).now(), **kw)


def test_open_task_with_working_days_left_then_overdue(world: World) -> None:
    case = start_cross_county(world)  # Monday 2026-03-02; initiate due end of Mon 03-09
    page = page_of(world, "op-CS-YL-JY-P1", "2026-03-02T11:00")
    [row] = page.rows
    assert (row.case_number, row.subject, row.open) == (case.number, "党员JY", True)
    assert row.title == "发起审核：党员JY" and row.due.text == "剩余 5 个工作日"
    assert row.due.state == "normal" and page.counts["todo"] == 1
    soon = page_of(world, "op-CS-YL-JY-P1", "2026-03-05T11:00", tab="soon")
    assert [r.due.text for r in soon.rows] == ["剩余 2 个工作日"]  # Thu: Fri and Mon left
    assert page_of(world, "op-CS-YL-JY-P1", "2026-03-04T11:00", tab="soon").rows == []
    assert page_of(world, "op-CS-YL-JY-P1", "2026-03-09T11:00").rows[0].due.text == "今日到期"
    late = page_of(world, "op-CS-YL-JY-P1", "2026-03-11T11:00", tab="overdue")
    assert [r.due.text for r in late.rows] == ["已超期 2 个工作日"]
    assert late.counts == {"todo": 1, "soon": 0, "overdue": 1, "unfinished": 0, "done": 0}


def test_other_organisations_and_roles_see_nothing(world: World) -> None:
    start_cross_county(world)
    assert page_of(world, "op-CS-YL", "2026-03-02T11:00").rows == []
    assert page_of(world, "mgr-CS-YL-JY-P1", "2026-03-02T11:00").rows == []  # operator's task


def test_unfinished_and_done_after_initiating(world: World) -> None:
    case = start_cross_county(world)
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    when = "2026-03-02T11:00"
    mine = page_of(world, "op-CS-YL-JY-P1", when)
    assert mine.rows == [] and mine.counts["unfinished"] == 1 and mine.counts["done"] == 1
    [case_row] = page_of(world, "op-CS-YL-JY-P1", when, tab="unfinished").rows
    assert case_row.case_id == case.id and case_row.status_label == "审批中"
    assert case_row.where == ["审批（第1级）（中共长沙市岳麓区委教育工作委员会）",
                              "档案审核（中共长沙市雨花区委组织部）"]
    [done] = page_of(world, "op-CS-YL-JY-P1", when, tab="done").rows
    assert done.decision == "initiate" and done.completed_by == "op-CS-YL-JY-P1"
    # the applying branch follows its case too (Art. 11)
    branch = page_of(world, "sec-CS-YL-JY-P1-B1", when, tab="unfinished")
    assert [r.case_number for r in branch.rows] == [case.number]
    # a level that has not acted yet does not list it as handled
    assert page_of(world, "op-CS-YL", when, tab="unfinished").rows == []


def test_finished_cases_leave_the_unfinished_tab(world: World) -> None:
    case = start_cross_county(world)
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00",
             {"decision": "refuse", "reason_code": "no_reason", "comment": "无正当理由"})
    page = page_of(world, "op-CS-YL-JY-P1", "2026-03-02T11:00", tab="unfinished")
    assert page.rows == [] and page.counts["done"] == 1


def test_search_by_member_name_or_case_number_and_pagination(world: World) -> None:
    first = start_cross_county(world)
    second = world.start("2026-03-03T09:00", "sec-CS-YL-P1-B1", kind="intra", member="M-YL",
                         target_branch="CS-YL-P2-B1")
    world.do(first, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    world.do(first, "approve", "op-CS-YL-JY", "2026-03-02T11:00", {"decision": "approve"},
             org="CS-YL-JY")
    assert second.number != first.number
    when = "2026-03-03T11:00"
    everything = page_of(world, "op-CS-YL", when)
    assert len(everything.rows) == 1  # level 2 of the first case
    by_name = page_of(world, "op-CS-YL-JY", when, tab="done", query="党员JY")
    assert [r.case_number for r in by_name.rows] == [first.number]
    by_number = page_of(world, "op-CS-YL-JY", when, tab="done", query=first.number.lower())
    assert len(by_number.rows) == 1
    assert page_of(world, "op-CS-YL-JY", when, tab="done", query="无此人").rows == []
    paged = page_of(world, "sec-CS-YL-JY-P1-B1", when, tab="unfinished", page=7, page_size=1)
    assert (paged.page, paged.pages, paged.total) == (1, 1, 1)


def test_tab_counts_match_the_pages(world: World) -> None:
    start_cross_county(world)
    with session_scope(world.engine) as s:
        user = s.scalar(select(User).where(User.username == "op-CS-YL-JY-P1"))
        counts = tab_counts(s, user, at("2026-03-06T11:00").now())
    assert counts == {"todo": 1, "soon": 1, "overdue": 0, "unfinished": 0, "done": 0}
