"""工作日历: the year view, marking a day and entering a notice, with the recompute count."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.models import CalendarChange, HumanTask
from tests.procedures.conftest import World
from tests.services.diagram_variants import policy_user
from tests.web.conftest import sign_in

NOTICE_2027 = """year: 2027
source: 国办发明电〔2026〕99号
holidays:
  - {name: 元旦, from: 2027-01-01, to: 2027-01-03}
  - {name: 春节, from: 2027-02-05, to: 2027-02-12}
workdays:
  - 2027-02-20
"""


@pytest.fixture
def staff(client, world: World):
    with session_scope(world.engine, write=True) as s:
        policy_user(s)
    sign_in(client, "policy-hn")
    return client


def cell(page: str, day: str) -> str:
    found = re.search(rf'<td class="([^"]*)" data-day="{day}"', page)
    assert found, day
    return found.group(1)


def test_only_policy_staff(client, world: World) -> None:
    assert client.get("/calendar/").status_code == 302
    sign_in(client, "mgr-CS")
    assert client.get("/calendar/").status_code == 403
    assert client.post("/calendar/day", data={"day": "2026-03-05"}).status_code == 403


def test_year_view_distinguishes_days_and_sources(staff) -> None:
    page = staff.get("/calendar/?year=2026").get_data(as_text=True)
    assert "工作日历 · 2026 年" in page and ">官方<" in page
    assert cell(page, "2026-02-14") == "adjusted"  # a Saturday made a working day
    assert cell(page, "2026-02-16") == "holiday"
    assert cell(page, "2026-03-07") == "rest"
    assert cell(page, "2026-03-09") == "work"
    assert "2月14日 调休上班（春节调休上班），依据：官方数据" in page
    later = staff.get("/calendar/?year=2027&day=2027-02-05").get_data(as_text=True)
    assert "暂定（尚无官方安排）" in later
    assert cell(later, "2027-02-05") == "holiday provisional chosen"
    assert "2月5日 节假日（春节），依据：暂定" in later


def test_marking_a_day_recomputes_pending_deadlines_and_says_how_many(staff,
                                                                      world: World) -> None:
    case = world.start("2026-12-28T09:00", "sec-CS-YL-JY-P1-B1", kind="intra", member="M-JY",
                       target_branch="CS-YH-P1-B1")
    before = world.task(case, "initiate").due_at
    refused = staff.post("/calendar/day", data={"day": "2027-01-04", "kind": "holiday",
                                                "note": ""})
    assert refused.status_code == 422 and "请填写依据或说明" in refused.get_data(as_text=True)
    done = staff.post("/calendar/day", data={"day": "2027-01-04", "kind": "holiday",
                                             "name": "元旦", "note": "依据通知调整"},
                      follow_redirects=True)
    page = done.get_data(as_text=True)
    count = int(re.search(r"重新计算了 (\d+) 个未到期的期限", page).group(1))
    assert count >= 1
    with session_scope(world.engine) as s:
        after = s.get(HumanTask, world.task(case, "initiate").id).due_at
        change = s.scalars(select(CalendarChange)).one()
        assert (change.actor, change.note, change.recomputed) == ("policy-hn", "依据通知调整",
                                                                  count)
    assert after > before
    assert cell(page, "2027-01-04").startswith("holiday") and "entry" in cell(page, "2027-01-04")


def test_entering_a_notice_makes_the_year_official(staff) -> None:
    bad = staff.post("/calendar/notice", data={"notice": "year: 2027\nholidays: nope\n"})
    assert bad.status_code == 422 and "通知内容有误" in bad.get_data(as_text=True)
    broken = staff.post("/calendar/notice", data={"notice": "year: [2027"})
    assert broken.status_code == 422 and "YAML 格式有误" in broken.get_data(as_text=True)
    done = staff.post("/calendar/notice", data={"notice": NOTICE_2027, "note": "年度通知"},
                      follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "已录入 2027 年放假安排；重新计算了 0 个未到期的期限" in page
    assert "请核对：通知未列出以下法定节假日" in page  # 清明, 劳动节 … are missing
    view = staff.get("/calendar/?year=2027").get_data(as_text=True)
    assert ">官方<" in view and cell(view, "2027-02-20") == "adjusted"
    assert cell(view, "2027-02-11") == "holiday"
