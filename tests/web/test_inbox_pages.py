"""The inbox pages: tabs, working days, search, links, access."""

from __future__ import annotations

from app.engine.clock import FixedClock
from tests.procedures.conftest import World, at
from tests.procedures.test_intra_province import INITIATE, start_cross_county
from tests.web.conftest import sign_in


def at_time(app, when: str) -> None:
    clock: FixedClock = at(when)
    app.config["CLOCK"] = clock


def test_inbox_lists_the_open_task_with_working_days(app, client, world: World) -> None:
    case = start_cross_county(world)
    at_time(app, "2026-03-02T11:00")
    sign_in(client, "op-CS-YL-JY-P1")
    page = client.get("/inbox").get_data(as_text=True)
    assert case.number in page and "发起审核：党员JY" in page
    assert "剩余 5 个工作日" in page and "2026年3月9日" in page
    assert 'href="/tasks/' in page


def test_overdue_tab_shows_the_badge_and_days(app, client, world: World) -> None:
    start_cross_county(world)
    at_time(app, "2026-03-11T11:00")
    sign_in(client, "op-CS-YL-JY-P1")
    page = client.get("/inbox?tab=overdue").get_data(as_text=True)
    assert 'class="badge overdue">已超期' in page and "已超期 2 个工作日" in page
    assert client.get("/inbox?tab=soon").get_data(as_text=True).count("发起审核") == 0


def test_unfinished_and_done_link_to_the_case_page(app, client, world: World) -> None:
    case = start_cross_county(world)
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    at_time(app, "2026-03-02T11:00")
    sign_in(client, "op-CS-YL-JY-P1")
    unfinished = client.get("/inbox?tab=unfinished").get_data(as_text=True)
    assert f'href="/cases/{case.id}"' in unfinished and "审批（第1级）" in unfinished
    done = client.get("/inbox?tab=done").get_data(as_text=True)
    assert "已发起" in done and "op-CS-YL-JY-P1" in done


def test_search_and_empty_result(app, client, world: World) -> None:
    case = start_cross_county(world)
    at_time(app, "2026-03-02T11:00")
    sign_in(client, "op-CS-YL-JY-P1")
    assert case.number in client.get(f"/inbox?q={case.number}").get_data(as_text=True)
    missing = client.get("/inbox?q=无此人").get_data(as_text=True)
    assert "没有符合条件的记录" in missing and case.number not in missing


def test_inbox_needs_sign_in_and_a_role(client, world: World) -> None:
    assert client.get("/inbox").status_code == 302
    sign_in(client, "op-CS")
    assert client.get("/inbox").status_code == 200
    assert "待办" in client.get("/inbox").get_data(as_text=True)
