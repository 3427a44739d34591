"""统计监督: the figures of the supervision dashboard (Arts. 11, 13, 16), each with the cases
list filter behind it.

Every figure is computed from the same conditions as the cases list (app.services.
case_query) plus a grouping, and each row carries the :class:`CaseFilter` of its cases, so
a drill-down shows exactly the cases counted. Scope: the cases the user may see, and, for
the figures about steps, the tasks of organisations in the scope's subtree.

Definitions: a task is *late in a period* when it was past its due instant at some moment
of the period (until completed, cancelled or now). Working days used by a step: the working
days after the day it was created up to and including the day it was completed. The 90th
percentile is the nearest-rank one (the smallest value with at least 90 % of the values at
or below it).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, distinct, func, or_, select, tuple_
from sqlalchemy.orm import Session

from app import policy
from app.errors import Forbidden, NotFound
from app.models.case import TransferCase
from app.models.engine import HumanTask
from app.models.org import Org
from app.models.user import User
from app.services.calendar import current_calendar
from app.services.case_filters import CaseFilter, day_after, day_start
from app.services.case_query import _at, case_conditions, task_conditions
from app.services.dashboard_sql import (
    bucket,
    day_spans,
    local_day,
    mask_counts,
    median,
    month_mask,
    nearest_rank,
)

TASK_FIELDS = ("step", "task_org", "task_under", "task_open", "late_from", "late_to",
               "done_from", "done_to", "decision", "reason")


@dataclass(frozen=True)
class Scope:
    """Whose figures, over which period (both days included)."""

    org: Org
    first: date
    last: date

    def cases(self) -> CaseFilter:
        """The filter of the cases touching the scope's subtree."""
        return CaseFilter(org=self.org.code)


def scope_for(session: Session, user: User, org_code: str | None, first: date,
              last: date) -> Scope:
    """The scope of *user* (their organisation, or one below it) for a period."""
    policy.require(user, policy.Action.VIEW_DASHBOARD)
    own = session.get(Org, user.org_id)
    assert own is not None
    org = own
    if org_code and org_code != own.code:
        org = session.scalar(select(Org).where(Org.code == org_code))
        if org is None:
            raise NotFound(f"no organisation with code {org_code!r}")
        if not org.path.startswith(own.path):
            raise Forbidden(f"{org.code} is not under {own.code}")
    if last < first:
        first, last = last, first
    return Scope(org, first, last)


def _without_tasks(f: CaseFilter) -> CaseFilter:
    return f.replace(**{name: CaseFilter.__dataclass_fields__[name].default
                        for name in TASK_FIELDS})


def task_query(session: Session, user: User, f: CaseFilter, now: datetime,
                *columns: Any) -> Any:
    """SELECT *columns* FROM the tasks matching *f* of the cases *user* may see (tasks of an
    instance without a case are left out). HumanTask.case_id names a task's case: when *f*
    asks nothing of the case itself, the user's visibility is a condition on that column and
    no case is read; otherwise the tasks are joined to their cases."""
    rest = _without_tasks(f)
    query = select(*columns).select_from(HumanTask)
    if rest == CaseFilter():
        policy.require(user, policy.Action.VIEW_CASES)
        cases = [HumanTask.case_id.is_not(None),
                 policy.case_visibility(session, user, HumanTask.case_id)]
    else:
        query = query.join(TransferCase, TransferCase.id == HumanTask.case_id)
        cases = case_conditions(session, user, rest, now)
    return query.where(*cases, *task_conditions(session, f, now, pick_first=False))


@dataclass
class Count:
    """One number of a figure and the cases behind it."""

    key: tuple[str, ...]
    cases: int
    filter: CaseFilter
    tasks: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def open_cases(session: Session, user: User, scope: Scope, now: datetime) -> list[Count]:
    """Open cases (not ended) by kind and status."""
    f = scope.cases().replace(status="open")
    rows = session.execute(select(TransferCase.kind, TransferCase.status, func.count())
                           .where(*case_conditions(session, user, f, now))
                           .group_by(TransferCase.kind, TransferCase.status)).all()
    return sorted((Count((k, s), n, scope.cases().replace(kind=k, status=s))
                   for k, s, n in rows), key=lambda c: (-c.cases, c.key))


def _org_codes(session: Session, ids: set[int]) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    rows = session.execute(select(Org.id, Org.code, Org.name).where(Org.id.in_(ids)))
    return {r.id: (r.code, r.name) for r in rows}


@dataclass
class LateSummary:
    """The tasks of a scope late in a period: per organisation (cases, tasks, tasks still
    open and overdue now), per organisation and step the cases, and the cases in all."""

    orgs: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    steps: dict[int, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    cases: int = 0


def _summary_of_sets(rows: Any) -> LateSummary:
    """From rows grouped by the sets (organisation), (organisation, step) and (): grouping()
    says which set a row is of (0: organisation and step, 1: organisation, 3: all)."""
    out = LateSummary()
    for org_id, spec, which, n_cases, n_tasks, n_still in rows:
        if which == 0:
            out.steps[org_id][spec] = int(n_cases)
        elif which == 1:
            out.orgs[org_id] = (int(n_cases), int(n_tasks), int(n_still or 0))
        else:
            out.cases = int(n_cases)
    return out


def _summary_of_rows(rows: Any) -> LateSummary:
    """From rows grouped by (organisation, step, case) with tasks and tasks still late."""
    cases: dict[int, set[int]] = defaultdict(set)
    tasks: dict[int, int] = defaultdict(int)
    still: dict[int, int] = defaultdict(int)
    step_cases: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for org_id, spec, case_id, n, n_open in rows:
        cases[org_id].add(case_id)
        tasks[org_id] += int(n)
        still[org_id] += int(n_open or 0)
        step_cases[org_id][spec].add(case_id)
    out = LateSummary(cases=len(set().union(*cases.values())))
    for org_id, mine in cases.items():
        out.orgs[org_id] = (len(mine), tasks[org_id], still[org_id])
        out.steps[org_id] = {spec: len(ids) for spec, ids in step_cases[org_id].items()}
    return out


def _late_summary(session: Session, user: User, scope: Scope, now: datetime) -> LateSummary:
    """The tasks of the scope late in the period, counted once for the ranking and the count
    of late cases (kept on the session for the rest of the request). PostgreSQL counts the
    distinct cases per organisation, per step and in all in one grouping-sets pass; SQLite
    has no grouping sets, so the rows per (organisation, step, case) are added up here."""
    key = ("late", user.id, scope.org.id, scope.first, scope.last, now)
    memo = session.info.setdefault("dashboard", {})
    if key not in memo:
        f = CaseFilter(task_under=scope.org.code, late_from=scope.first, late_to=scope.last)
        still = func.sum(case((and_(HumanTask.status == "open", HumanTask.due_at <= _at(now)),
                               1), else_=0))
        org, spec = HumanTask.assignee_org_id, HumanTask.task_spec
        if session.get_bind().dialect.name == "postgresql":
            sets = func.grouping_sets(tuple_(org), tuple_(org, spec), tuple_())
            memo[key] = _summary_of_sets(session.execute(task_query(
                session, user, f, now, org, spec, func.grouping(org, spec),
                func.count(distinct(HumanTask.case_id)), func.count(), still).group_by(sets)))
        else:
            groups = (org, spec, HumanTask.case_id)
            memo[key] = _summary_of_rows(session.execute(task_query(
                session, user, f, now, *groups, func.count(), still).group_by(*groups)))
    summary: LateSummary = memo[key]
    return summary


def late_by_org(session: Session, user: User, scope: Scope, now: datetime) -> list[Count]:
    """Organisations of the scope with tasks late in the period: cases, tasks, still open
    now, and the steps concerned; the most cases first."""
    f = CaseFilter(task_under=scope.org.code, late_from=scope.first, late_to=scope.last)
    summary = _late_summary(session, user, scope, now)
    names = _org_codes(session, {o for o in summary.orgs if o is not None})
    result = []
    for org_id, (n_cases, n_tasks, n_still) in summary.orgs.items():
        code, name = names.get(org_id, ("", ""))
        steps = [Count((spec,), n, f.replace(task_org=code, step=spec, task_under=""))
                 for spec, n in summary.steps[org_id].items()]
        result.append(Count((code, name), n_cases, f.replace(task_org=code, task_under=""),
                            n_tasks, {"open_now": n_still,
                                      "steps": sorted(steps, key=lambda c: (-c.cases, c.key))}))
    return sorted(result, key=lambda c: (-c.cases, -c.tasks, c.key))


def late_cases(session: Session, user: User, scope: Scope, now: datetime) -> int:
    """How many cases had a task of the scope late in the period (the cases list of
    CaseFilter(task_under=…, late_from=…, late_to=…) has exactly these)."""
    return _late_summary(session, user, scope, now).cases


def percentile(values: list[int], share: float) -> int:
    """The nearest-rank percentile of *values* (non-empty)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def working_days_used(session: Session, query: Any) -> dict[str, dict[int, int]]:
    """Per step, working days used → how many tasks, from a task query whose columns are
    (step, created day, completed day, count) grouped in SQL (one row per distinct pair)."""
    return day_spans(current_calendar(session), session.execute(query))


def spans_query(session: Session, user: User, f: CaseFilter, now: datetime) -> Any:
    """The tasks of *f* grouped by step, local created day and local completed day."""
    created, completed = local_day(HumanTask.created_at), local_day(HumanTask.completed_at)
    return task_query(session, user, f, now, HumanTask.task_spec, created, completed,
                      func.count()).group_by(HumanTask.task_spec, created, completed)


def step_times(session: Session, user: User, scope: Scope, now: datetime) -> list[Count]:
    """Per step completed in the period (by the scope's organisations): working days used,
    median and 90th percentile, against the step's limit."""
    f = CaseFilter(task_under=scope.org.code, done_from=scope.first, done_to=scope.last)
    grouped = session.execute(task_query(
        session, user, f, now, HumanTask.task_spec, func.count(distinct(HumanTask.case_id)),
        func.max(HumanTask.due_basis["working_days"].as_integer()))
        .group_by(HumanTask.task_spec)).all()
    cases = {spec: n for spec, n, _ in grouped}
    limits = {spec: int(limit) for spec, _, limit in grouped if limit is not None}
    used = working_days_used(session, spans_query(session, user, f, now))
    result = []
    for spec, values in used.items():
        limit = limits.get(spec)
        over = sum(n for v, n in values.items() if limit is not None and v > limit)
        result.append(Count((spec,), int(cases.get(spec, 0)), f.replace(step=spec),
                            sum(values.values()),
                            {"median": median(values), "p90": nearest_rank(values, 0.9),
                             "limit": limit, "over": over}))
    return sorted(result, key=lambda c: (-c.tasks, c.key))


def decisions(session: Session, user: User, scope: Scope, now: datetime) -> list[Count]:
    """Send-backs and refusals made in the period, by organisation, decision and reason."""
    f = CaseFilter(task_under=scope.org.code, done_from=scope.first, done_to=scope.last)
    query = task_query(session, user, f, now, HumanTask.assignee_org_id, HumanTask.decision,
                        HumanTask.reason_code, func.count(distinct(HumanTask.case_id)),
                        func.count()).where(HumanTask.decision.in_(("send_back", "refuse")))
    rows = session.execute(query.group_by(HumanTask.assignee_org_id, HumanTask.decision,
                                          HumanTask.reason_code)).all()
    names = _org_codes(session, {r[0] for r in rows if r[0] is not None})
    result = []
    for org_id, decision, reason, n_cases, n_tasks in rows:
        code, name = names.get(org_id, ("", ""))
        result.append(Count((code, name, decision, reason or ""), n_cases,
                            f.replace(task_under="", task_org=code, decision=decision,
                                      reason=reason or ""), n_tasks))
    return sorted(result, key=lambda c: (-c.tasks, c.key))


def months_before(last: date, count: int) -> list[tuple[date, date]]:
    """The *count* calendar months ending with the month of *last*: (first, last day)."""
    result = []
    year, month = last.year, last.month
    for _ in range(count):
        first = date(year, month, 1)
        nxt = date(year + month // 12, month % 12 + 1, 1)
        result.append((first, nxt - timedelta(days=1)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(result))


def _late_months(session: Session, user: User, f: CaseFilter, months: list[tuple[date, date]],
                 now: datetime) -> list[int]:
    """Per month, the cases with a task of *f* late in it, in one pass over the tasks late
    in the whole span: a task's overdue interval [due, completed or now) meets the month.
    Each case gets a flag per month (grouped by case), and the flags are added up."""
    span = f.replace(late_from=months[0][0], late_to=months[-1][1])
    until = func.coalesce(HumanTask.completed_at, _at(now))
    spans = [(day_start(a), day_after(b)) for a, b in months]
    wanted = [i for i, (start, _) in enumerate(spans) if start < now]  # begun months only
    result = [0] * len(months)
    if not wanted:
        return result
    if session.get_bind().dialect.name == "postgresql":
        # one bit per month: a task's months are a run of bits, a case's the OR of its
        # tasks'; then the cases are counted per mask (a few hundred masks, not every case)
        mask = month_mask(HumanTask.due_at, until, [spans[i] for i in wanted])
        per_case = task_query(session, user, span, now, func.bit_or(mask).label("mask")) \
            .group_by(HumanTask.case_id).subquery()
        counts = mask_counts(session.execute(select(per_case.c.mask, func.count())
                                             .group_by(per_case.c.mask)), len(wanted))
    else:  # SQLite has no bit_or: a flag per month and case, added up
        flags = [func.max(case((and_(HumanTask.due_at < _at(spans[i][1]),
                                     until > _at(spans[i][0])), 1), else_=0)).label(f"m{i}")
                 for i in wanted]
        per_case = task_query(session, user, span, now, *flags) \
            .group_by(HumanTask.case_id).subquery()
        counts = [int(n or 0) for n in session.execute(
            select(*(func.sum(c) for c in per_case.c))).one()]
    for i, n in zip(wanted, counts, strict=True):
        result[i] = n
    return result


def _started_ended(session: Session, user: User, f: CaseFilter,
                   months: list[tuple[date, date]], now: datetime) -> tuple[list[int], list[int]]:
    """Per month, the cases of *f* started in it and the cases ended in it: one grouped count
    by (month started, month ended) of the cases that started or ended within the months."""
    bounds = [day_start(a) for a, _ in months] + [day_after(months[-1][1])]
    lo, hi = _at(bounds[0]), _at(bounds[-1])
    columns = (TransferCase.created_at, TransferCase.ended_at)
    slots = [case((and_(c >= lo, c < hi), bucket(c, bounds)), else_=None) for c in columns]
    rows: list[Any] = list(session.execute(
        select(*slots, func.count()).select_from(TransferCase)
        .where(*case_conditions(session, user, f, now),
               or_(*(and_(c >= lo, c < hi) for c in columns))).group_by(*slots)))
    started, ended = [0] * len(months), [0] * len(months)
    for c, e, n in rows:
        if c is not None:
            started[int(c)] += int(n)
        if e is not None:
            ended[int(e)] += int(n)
    return started, ended


def monthly(session: Session, user: User, scope: Scope, now: datetime,
            count: int = 12) -> list[Count]:
    """Per month up to the period's month: cases started, cases ended, cases late."""
    months = months_before(scope.last, count)
    base = scope.cases()
    late_f = CaseFilter(task_under=scope.org.code)
    late = _late_months(session, user, late_f, months, now)
    started, ended = _started_ended(session, user, base, months, now)
    result = []
    for i, (a, b) in enumerate(months):
        result.append(Count((a.strftime("%Y-%m"),), started[i],
                            base.replace(created_from=a, created_to=b), 0, {
                                "ended": ended[i],
                                "ended_filter": base.replace(ended_from=a, ended_to=b),
                                "late": late[i],
                                "late_filter": late_f.replace(late_from=a, late_to=b)}))
    return result


def open_total(rows: list[Count]) -> int:
    """The sum of a figure's case counts (open cases by kind and status add up)."""
    return sum(r.cases for r in rows)

