"""The dashboard's figures against a straightforward computation in Python on a few hundred
random cases (tests/casegen.py): every row is read, and each figure is worked out from its
definition (app/services/dashboard.py), so an optimisation of the SQL cannot change a number.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.engine.clock import parse_instant
from app.models import HumanTask, Instance, Org, TransferCase, User
from app.models.case import FINAL_STATUSES, CaseOrg
from app.services import dashboard
from app.services.calendar import current_calendar
from app.services.case_filters import day_after, day_start, local_date
from app.workcal import Calendar
from tests.casegen import NOW, insert_cases, random_cases
from tests.procedures.conftest import World

PERIODS = [(date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 1, 1), date(2026, 4, 15)),
           (date(2025, 6, 1), date(2026, 2, 28))]


@dataclass
class Rows:
    """Every case, link and task, read plainly."""

    cases: dict[int, TransferCase]
    links: dict[int, set[int]]       # case id → org ids
    tasks: list[HumanTask]
    paths: dict[int, str]            # org id → path
    codes: dict[int, str]


def _rows(s: Any) -> Rows:
    cases = {c.id: c for c in s.scalars(select(TransferCase))}
    links: dict[int, set[int]] = defaultdict(set)
    for link in s.scalars(select(CaseOrg)):
        links[link.case_id].add(link.org_id)
    orgs = list(s.scalars(select(Org)))
    return Rows(cases, links, list(s.scalars(select(HumanTask))),
                {o.id: o.path for o in orgs}, {o.id: o.code for o in orgs})


def _under(rows: Rows, org_id: int | None, top: Org) -> bool:
    return org_id is not None and rows.paths[org_id].startswith(top.path)


def _visible(rows: Rows, user_org: Org) -> dict[int, TransferCase]:
    return {cid: c for cid, c in rows.cases.items()
            if any(_under(rows, o, user_org) for o in rows.links[cid])}


def _scoped_tasks(rows: Rows, visible: dict[int, TransferCase],
                  scope_org: Org) -> list[tuple[int, HumanTask]]:
    by_instance = {c.instance_id: cid for cid, c in visible.items()}
    return [(by_instance[t.instance_id], t) for t in rows.tasks
            if t.instance_id in by_instance and _under(rows, t.assignee_org_id, scope_org)]


def _late_in(t: HumanTask, first: date, last: date, now: datetime) -> bool:
    """Overdue at some moment of [first, last]: [due, completed or now) meets the days."""
    if t.due_at is None:
        return False
    start, end = day_start(first), min(day_after(last), now)
    return max(t.due_at, start) < min(t.completed_at or now, end)


def _done_in(t: HumanTask, first: date, last: date) -> bool:
    return (t.status == "completed" and t.completed_at is not None
            and day_start(first) <= t.completed_at < day_after(last))


def _expected(rows: Rows, user_org: Org, scope_org: Org, first: date, last: date,
              now: datetime, cal: Calendar) -> dict[str, Any]:
    visible = _visible(rows, user_org)
    in_scope = {cid: c for cid, c in visible.items()
                if any(_under(rows, o, scope_org) for o in rows.links[cid])}
    tasks = _scoped_tasks(rows, visible, scope_org)
    late = [(cid, t) for cid, t in tasks if _late_in(t, first, last, now)]
    done = [(cid, t) for cid, t in tasks if _done_in(t, first, last)]
    per_org: dict[str, Any] = {}
    for org_id in {t.assignee_org_id for _, t in late}:
        mine = [(cid, t) for cid, t in late if t.assignee_org_id == org_id]
        steps = {spec: len({cid for cid, t in mine if t.task_spec == spec})
                 for spec in {t.task_spec for _, t in mine}}
        per_org[rows.codes[org_id]] = (len({cid for cid, _ in mine}), len(mine),
                                       sum(1 for _, t in mine if t.status == "open"
                                           and t.due_at is not None and t.due_at <= now),
                                       steps)
    times: dict[str, Any] = {}
    for spec in {t.task_spec for _, t in done}:
        mine = [(cid, t) for cid, t in done if t.task_spec == spec]
        used = [cal.working_days_between(local_date(t.created_at), local_date(t.completed_at))
                for _, t in mine]
        limits = [t.due_basis["working_days"] for _, t in mine if t.due_basis]
        limit = max(limits) if limits else None
        times[spec] = (len(mine), len({cid for cid, _ in mine}), statistics.median(used),
                       dashboard.percentile(used, 0.9), limit,
                       sum(1 for u in used if limit is not None and u > limit))
    decisions = Counter((rows.codes[t.assignee_org_id], t.decision, t.reason_code or "")
                        for _, t in done if t.decision in ("send_back", "refuse"))
    decision_cases = {key: len({cid for cid, t in done
                                if (rows.codes[t.assignee_org_id], t.decision,
                                    t.reason_code or "") == key}) for key in decisions}
    months = []
    for a, b in dashboard.months_before(last, 12):
        months.append((a.strftime("%Y-%m"),
                       sum(1 for c in in_scope.values()
                           if day_start(a) <= c.created_at < day_after(b)),
                       sum(1 for c in in_scope.values() if c.ended_at is not None
                           and day_start(a) <= c.ended_at < day_after(b)),
                       len({cid for cid, t in tasks if _late_in(t, a, b, now)})))
    return {
        "open": Counter((c.kind, c.status) for c in in_scope.values()
                        if c.status not in FINAL_STATUSES),
        "late": per_org, "late_cases": len({cid for cid, _ in late}), "times": times,
        "decisions": {k: (n, decision_cases[k]) for k, n in decisions.items()},
        "monthly": months,
    }


def _actual(s: Any, user: User, scope: dashboard.Scope, now: datetime) -> dict[str, Any]:
    late = dashboard.late_by_org(s, user, scope, now)
    return {
        "open": Counter({r.key: r.cases for r in dashboard.open_cases(s, user, scope, now)}),
        "late": {r.key[0]: (r.cases, r.tasks, r.extra["open_now"],
                            {st.key[0]: st.cases for st in r.extra["steps"]}) for r in late},
        "late_cases": dashboard.late_cases(s, user, scope, now),
        "times": {r.key[0]: (r.tasks, r.cases, r.extra["median"], r.extra["p90"],
                             r.extra["limit"], r.extra["over"])
                  for r in dashboard.step_times(s, user, scope, now)},
        "decisions": {(r.key[0], r.key[2], r.key[3]): (r.tasks, r.cases)
                      for r in dashboard.decisions(s, user, scope, now)},
        "monthly": [(r.key[0], r.cases, r.extra["ended"], r.extra["late"])
                    for r in dashboard.monthly(s, user, scope, now)],
    }


def _caseless_copies(s: Any, count: int) -> None:
    """Instances without a case holding copies of some cases' tasks (late ones, completed
    ones, with decisions): the figures must leave them out, whatever their tasks say."""
    tasks = s.scalars(select(HumanTask).order_by(HumanTask.id).limit(count)).all()
    for n, t in enumerate(tasks):
        inst = s.get(Instance, t.instance_id)
        copy = Instance(deployment_id=inst.deployment_id, process_id=inst.process_id,
                        status=inst.status, state="{}", state_schema=1, version=1,
                        started_at=inst.started_at, started_by="test", updated_at=inst.updated_at)
        s.add(copy)
        s.flush()
        columns = {c.key: getattr(t, c.key) for c in HumanTask.__table__.columns
                   if c.key not in ("id", "instance_id", "task_guid", "case_id")}
        s.add(HumanTask(**columns, instance_id=copy.id, task_guid=f"caseless-{n}"))


@pytest.fixture
def generated(world: World) -> None:
    now = parse_instant(NOW)
    with session_scope(world.engine, write=True) as s:
        cal = current_calendar(s)
        insert_cases(s, random_cases(s, 300, seed=11, first=date(2025, 4, 1), now=now,
                                     cal=cal))
        _caseless_copies(s, 400)


@pytest.mark.parametrize("username, org", [("mgr-CS", None), ("mgr-CS", "CS-YL"),
                                           ("mgr-CS-YL", None), ("mgr-HN", None)])
def test_figures_match_a_plain_computation(world: World, generated: None, username: str,
                                           org: str | None) -> None:
    now = parse_instant(NOW)
    with session_scope(world.engine) as s:
        rows, cal = _rows(s), current_calendar(s)
        user = s.scalar(select(User).where(User.username == username))
        user_org = s.get(Org, user.org_id)
        checked = 0
        for first, last in PERIODS:
            scope = dashboard.scope_for(s, user, org, first, last)
            expected = _expected(rows, user_org, scope.org, first, last, now, cal)
            actual = _actual(s, user, scope, now)
            for name in expected:
                assert actual[name] == expected[name], (name, first, last)
            checked += len(expected["late"]) + len(expected["times"])
        assert checked > 0  # the random cases do reach these figures
