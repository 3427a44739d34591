"""The dashboard's figures on the known cases (March 2026, now 2026-04-15), and that each
figure's drill-down filter finds exactly the cases it counts."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.engine.clock import parse_instant
from app.errors import Forbidden, NotFound
from app.models import User
from app.services import case_query, dashboard
from app.services.case_filters import CaseFilter
from tests.casegen import NOW
from tests.procedures.conftest import World

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def figures(world: World, username: str, org: str | None = None, period=MARCH):
    now = parse_instant(NOW)
    with session_scope(world.engine) as s:
        user = s.scalar(select(User).where(User.username == username))
        scope = dashboard.scope_for(s, user, org, *period)
        result = {
            "open": dashboard.open_cases(s, user, scope, now),
            "late": dashboard.late_by_org(s, user, scope, now),
            "times": dashboard.step_times(s, user, scope, now),
            "decisions": dashboard.decisions(s, user, scope, now),
            "monthly": dashboard.monthly(s, user, scope, now, count=4),
        }
        # every number is the size of the cases list behind it
        for rows in result.values():
            for row in rows:
                assert case_query.count_cases(s, user, row.filter, now) == row.cases, row
                for extra in ("ended", "late"):
                    if extra in row.extra:
                        shown = case_query.count_cases(s, user, row.extra[extra + "_filter"],
                                                       now)
                        assert shown == row.extra[extra], (row, extra)
                for step in row.extra.get("steps", []):
                    assert case_query.count_cases(s, user, step.filter, now) == step.cases
        late_all = CaseFilter(task_under=scope.org.code, late_from=scope.first,
                              late_to=scope.last)
        assert dashboard.late_cases(s, user, scope, now) == case_query.count_cases(
            s, user, late_all, now)
    return result


def test_open_cases_by_kind_and_status(world, known) -> None:
    assert [(r.key, r.cases) for r in figures(world, "mgr-CS-YL")["open"]] == [
        (("intra", "approving"), 1), (("intra", "sent_back"), 1)]
    assert [(r.key, r.cases) for r in figures(world, "mgr-CS")["open"]] == [
        (("intra", "approving"), 2), (("in", "awaiting_receipt"), 1),
        (("intra", "sent_back"), 1)]


def test_which_organisations_were_late_in_march_on_which_step(world, known) -> None:
    late = figures(world, "mgr-CS-YL")["late"]
    assert [(r.key[0], r.cases, r.tasks, r.extra["open_now"]) for r in late] == [
        ("CS-YL", 1, 1, 0), ("CS-YL-JY-P1", 1, 1, 1)]
    assert [(s.key, s.cases) for s in late[0].extra["steps"]] == [(("approve",), 1)]
    assert [(s.key, s.cases) for s in late[1].extra["steps"]] == [(("recheck",), 1)]
    whole = figures(world, "mgr-CS")["late"]
    assert {r.key[0]: r.cases for r in whole} == {"CS-YL": 1, "CS-YL-JY-P1": 1, "CS-YH": 1}
    # one level below: only CS-YL-JY's subtree
    assert [r.key[0] for r in figures(world, "mgr-CS", org="CS-YL-JY")["late"]] == [
        "CS-YL-JY-P1"]
    # January: the approval of case C at CS-YL
    january = figures(world, "mgr-CS-YL", period=(date(2026, 1, 1), date(2026, 1, 31)))
    assert [(r.key[0], r.cases) for r in january["late"]] == [("CS-YL", 1)]


def test_working_days_per_step_against_the_limit(world, known) -> None:
    times = {r.key[0]: r for r in figures(world, "mgr-CS-YL")["times"]}
    assert set(times) == {"initiate", "approve"}
    initiate, approve = times["initiate"], times["approve"]
    assert (initiate.tasks, initiate.cases, initiate.extra["median"], initiate.extra["p90"],
            initiate.extra["limit"], initiate.extra["over"]) == (2, 2, 0.5, 1, 5, 0)
    assert (approve.tasks, approve.cases, approve.extra["median"], approve.extra["p90"],
            approve.extra["limit"], approve.extra["over"]) == (2, 2, 4, 7, 5, 1)


def test_send_backs_and_refusals_by_organisation_and_reason(world, known) -> None:
    assert [(r.key, r.cases, r.tasks) for r in figures(world, "mgr-CS-YL")["decisions"]] == [
        (("CS-YL-JY", "中共长沙市岳麓区委教育工作委员会", "send_back", "info_incomplete"), 1, 1)]
    assert [r.key[2:] for r in figures(world, "mgr-CS-YH")["decisions"]] == [
        ("refuse", "no_reason")]


def test_monthly_trend(world, known) -> None:
    months = figures(world, "mgr-CS-YL")["monthly"]
    assert [(r.key[0], r.cases, r.extra["ended"], r.extra["late"]) for r in months] == [
        ("2025-12", 0, 0, 0), ("2026-01", 1, 1, 1), ("2026-02", 0, 0, 0),
        ("2026-03", 3, 1, 2)]


def test_percentile_is_nearest_rank() -> None:
    assert dashboard.percentile([3], 0.9) == 3
    assert dashboard.percentile(list(range(1, 11)), 0.9) == 9
    assert dashboard.percentile(list(range(1, 12)), 0.9) == 10
    assert dashboard.months_before(date(2026, 2, 10), 3)[0] == (date(2025, 12, 1),
                                                                date(2025, 12, 31))


def test_scope_is_the_users_subtree(world, known) -> None:
    with pytest.raises(Forbidden):
        figures(world, "mgr-CS-YL", org="CS-YH")
    with pytest.raises(NotFound):
        figures(world, "mgr-CS", org="NOPE")
    with pytest.raises(Forbidden):
        figures(world, "op-CS-YL")  # operators have no dashboard
