"""The cases list: every filter and sort on generated cases with known answers."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.engine.clock import parse_instant
from app.errors import Forbidden
from app.models import Member, TransferCase, User
from app.services import case_query
from app.services.case_filters import CaseFilter, parse_filter
from tests.casegen import NOW
from tests.procedures.conftest import World


def found(world: World, username: str, known: dict[str, int], **filters) -> str:
    """The letters of the cases *username* finds with *filters*, in list order."""
    by_id = {v: k for k, v in known.items()}
    with session_scope(world.engine) as s:
        user = s.scalar(select(User).where(User.username == username))
        page = case_query.list_cases(s, user, CaseFilter(**filters), parse_instant(NOW),
                                     per_page=100)
        assert page.total == len(page.rows)
        return "".join(by_id[r.id] for r in page.rows)


def test_visibility_follows_the_subtree_and_the_organisation(world, known) -> None:
    assert found(world, "mgr-CS", known, sort="created") == "CAEBDF"
    assert found(world, "mgr-CS-YL", known, sort="created") == "CAEB"
    assert found(world, "mgr-HN-JG", known) == "D"
    assert found(world, "mgr-CS-YH", known, sort="created") == "AEDF"
    assert found(world, "op-CS-YL-JY", known) == "B"  # an operator: its own organisation
    assert found(world, "sec-CS-YL-P2-B1", known, sort="created") == "CB"  # from and to


def test_each_filter(world, known) -> None:
    m = "mgr-CS-YL"
    assert found(world, m, known, kind="out") == "C"
    assert found(world, m, known, status="open", sort="created") == "AB"
    assert found(world, m, known, status="closed", sort="created") == "CE"
    assert found(world, m, known, status="refused") == "E"
    assert found(world, m, known, org="CS-YL-JY") == "B"
    assert found(world, m, known, org="NO-SUCH-ORG") == ""
    assert found(world, m, known, overdue=True, sort="created") == "AB"
    assert found(world, m, known, created_from=date(2026, 3, 5)) == "B"
    assert found(world, m, known, created_to=date(2026, 3, 4), sort="created") == "CAE"
    assert found(world, m, known, ended_from=date(2026, 3, 1), ended_to=date(2026, 3, 31)) == "E"
    assert found(world, "mgr-CS", known, kind="in", q="赵") == "F"  # the letter's name


def test_text_search_by_name_id_number_and_case_number(world, known) -> None:
    with session_scope(world.engine) as s:
        number = s.get(TransferCase, known["C"]).number
        id_number = s.scalar(select(Member.id_number).join(
            TransferCase, TransferCase.member_id == Member.id).where(
            TransferCase.id == known["A"]))
    assert found(world, "mgr-CS-YL", known, q="张三") == "A"
    assert found(world, "mgr-CS-YL", known, q=id_number) == "A"
    assert found(world, "mgr-CS-YL", known, q=number.lower()) == "C"
    assert found(world, "mgr-HN-JG", known, q="张三") == ""  # not visible to them


def test_task_filters_apply_to_one_and_the_same_task(world, known) -> None:
    m = "mgr-CS"
    assert found(world, m, known, step="approve", task_open=True, sort="created") == "AD"
    assert found(world, m, known, task_org="CS-YL", step="approve", sort="created") == "CA"
    assert found(world, m, known, task_under="CS-YL-JY", decision="send_back") == "B"
    assert found(world, m, known, decision="send_back", reason="info_incorrect") == ""
    assert found(world, m, known, decision="refuse", reason="no_reason") == "E"
    march = {"late_from": date(2026, 3, 1), "late_to": date(2026, 3, 31)}
    assert found(world, m, known, sort="created", **march) == "ABD"
    assert found(world, m, known, task_under="CS-YL", sort="created", **march) == "AB"
    assert found(world, m, known, task_org="CS-YL", late_from=date(2026, 1, 1),
                 late_to=date(2026, 1, 31)) == "C"
    # the task at CS-YL that was late in March was completed on 3/12: not late in April
    assert found(world, m, known, task_org="CS-YL", late_from=date(2026, 4, 1)) == ""
    assert found(world, m, known, step="initiate", done_from=date(2026, 3, 4),
                 done_to=date(2026, 3, 9), sort="created") == "EB"


def test_sorts_and_pages(world, known) -> None:
    assert found(world, "mgr-CS", known) == "FDBEAC"  # newest first by default
    assert found(world, "mgr-CS", known, sort="due") == "BADFCE"  # earliest open due first
    assert found(world, "mgr-CS", known, sort="number") == "ABCDEF"
    with session_scope(world.engine) as s:
        user = s.scalar(select(User).where(User.username == "mgr-CS"))
        now = parse_instant(NOW)
        second = case_query.list_cases(s, user, CaseFilter(sort="number"), now, 2, 20)
        assert (second.total, second.page, second.pages) == (6, 1, 1)  # clamped to the last
        rows = list(case_query.iter_cases(s, user, CaseFilter(sort="number"), now, chunk=4))
        assert [r.member_name for r in rows] == ["张三", "李四", "王五", "钱七", "孙八", "赵六"]
        first = rows[0]
        assert [(st.title, st.org_name, st.overdue) for st in first.steps] == [
            ("approve", "中共长沙市雨花区委组织部", True)]
        assert first.steps[0].days_left == -18  # 3/19 due; 3/20 … 4/15 less Qingming


def test_a_user_without_the_room_is_refused(world, known) -> None:
    with session_scope(world.engine, write=True) as s:
        from app.models import Org
        from tests.factories import make_user

        org = s.scalar(select(Org).where(Org.code == "CS"))
        make_user(s, "admin-x", org, "admin")
    with pytest.raises(Forbidden):
        found(world, "admin-x", known)


def test_parse_filter_ignores_bad_values_and_round_trips() -> None:
    f, errors = parse_filter({"kind": "intra", "status": "bogus", "created_from": "2026-13-01",
                              "overdue": "1", "deployment": "x", "late_to": "2026-03-31"})
    assert f == CaseFilter(kind="intra", overdue=True, late_to=date(2026, 3, 31))
    assert set(errors) == {"status", "created_from", "deployment"}
    assert parse_filter(f.to_args())[0] == f
    assert f.to_args() == {"kind": "intra", "overdue": "1", "late_to": "2026-03-31"}
