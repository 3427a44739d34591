"""The managers' pages in a real browser: the case diagram's markers drawn by bpmn-js, and a
drill-down from the dashboard to the cases list with the same number."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.db import session_scope
from app.engine.clock import FixedClock, parse_instant
from tests.browser.conftest import sign_in
from tests.browser.test_case_journey import shot
from tests.casegen import NOW, insert_cases, known_cases
from tests.procedures.conftest import World
from tests.procedures.test_intra_province import APPROVE, INITIATE, start_cross_county


@pytest.fixture
def live_server(world: World) -> Iterator[str]:
    """The application at a fixed instant (so that what is overdue is known)."""
    app = create_app({"database_url": world.settings.database_url,
                      "scheduler_in_web": False, "CLOCK": FixedClock(parse_instant(NOW))})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def _marked(page, diagram: int, element: str, marker: str) -> bool:
    selector = f'#diagram-{diagram} [data-element-id="{element}"]'
    return marker in (page.get_attribute(selector, "class") or "").split()


def test_the_case_diagram_marks_done_active_overdue_and_taken_flows(world, page) -> None:
    case = start_cross_county(world)  # 3/2; now is 4/15: the approval at CS-YL is overdue
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    world.do(case, "approve", "op-CS-YL-JY", "2026-03-02T11:00", APPROVE, org="CS-YL-JY")
    world.do(case, "archive_review", "op-CS-YH", "2026-04-14T10:00",
             {"result": "problem", "items_present": [], "findings": "缺少政审材料"})
    sign_in(page, "mgr-CS-YL")
    page.goto(f"/cases/{case.id}")
    page.wait_for_selector('#diagram-0[data-ready="true"]')
    page.wait_for_selector('#diagram-1[data-ready="true"]')
    assert _marked(page, 0, "start", "zj-done") and _marked(page, 0, "initiate", "zj-done")
    assert _marked(page, 0, "archive_review", "zj-done")
    assert _marked(page, 0, "approval", "zj-overdue")      # holds the overdue approval
    assert _marked(page, 0, "archive_return", "zj-active")  # created 4/14: within its limit
    assert _marked(page, 0, "initiate__ok", "zj-flow")
    assert not _marked(page, 0, "receive", "zj-done")
    assert not _marked(page, 0, "receive", "zj-active")
    assert _marked(page, 1, "approve", "zj-overdue")       # the called 逐级审批
    assert _marked(page, 1, "any_level__yes", "zj-flow")
    assert _marked(page, 1, "next_level", "zj-done")
    assert page.locator("svg .djs-element.zj-done").count() >= 6
    assert "已超期" in page.inner_text(".progress-line")
    assert "红色：已超期" in page.inner_text("#legend")
    assert page.locator("#timeline tr.ev").count() >= 8
    shot(page, "manager-case")


def test_dashboard_drill_down_lists_the_same_cases(world, page) -> None:
    with session_scope(world.engine, write=True) as s:
        insert_cases(s, known_cases())
    sign_in(page, "mgr-CS-YL")
    page.goto("/dashboard?from=2026-03-01&to=2026-03-31")
    page.wait_for_selector('#chart-late[data-ready="true"]')
    headline = page.inner_text("#late-cases")
    assert headline == "2"
    shot(page, "manager-dashboard")
    page.click("#late-cases")
    page.wait_for_url(re.compile(r"/cases\?"))
    assert page.inner_text("#case-total") == headline
    assert "超期期间" in page.inner_text("#drill")
    page.go_back()
    first = page.locator("#table-late tbody tr").first.locator("a.drill-link")
    number = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"task_org="))
    assert page.inner_text("#case-total") == number
    assert page.locator("table.cases tbody tr").count() == int(number)


def test_heatmap_draws_badges_on_the_diagram(world, page) -> None:
    case = start_cross_county(world)
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    sign_in(page, "mgr-CS")
    page.goto("/dashboard/heatmap")
    page.wait_for_selector('#diagram-0[data-ready="true"]')
    page.wait_for_selector('#diagram-1[data-ready="true"]')
    badges = page.locator("#diagram-1 .zj-heat-badge")
    assert badges.count() >= 1
    assert "在办 1" in page.inner_text("#diagram-1")  # the approval at CS-YL-JY
    assert "在办 1" in page.inner_text("#diagram-0")  # also on the call activity
    shot(page, "manager-heatmap")
