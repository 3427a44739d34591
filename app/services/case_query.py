"""The cases list: the SQL conditions of a :class:`CaseFilter` within what a user may see,
one page of rows, and every row for an export.

Everything is read from ``transfer_case``, ``case_org``, ``human_task`` and ``member``
with indexed conditions; no workflow is deserialized. The open steps of the rows shown are
fetched in one query per page (or per chunk of an export).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    exists,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased

from app import policy
from app.db import UtcDateTime
from app.memo import remembered
from app.models.case import FINAL_STATUSES, CaseOrg, TransferCase
from app.models.engine import HumanTask, Instance
from app.models.member import Member
from app.models.org import Org
from app.models.user import User
from app.services.calendar import current_calendar
from app.services.case_filters import CaseFilter, day_after, day_start, local_date

CHUNK = 1000


def _at(value: datetime) -> ColumnElement[Any]:
    return literal(value, UtcDateTime())


def _org(session: Session, code: str) -> Org | None:
    if not code:
        return None
    return remembered(session, ("org", code),
                      lambda: session.scalar(select(Org).where(Org.code == code)))


def _subtree_ids(org: Org) -> Select[tuple[int]]:
    return select(Org.id).where(Org.path.startswith(org.path, autoescape=True))


def _range(column: Any, start: Any, end: Any) -> list[ColumnElement[bool]]:
    conds = []
    if start is not None:
        conds.append(column >= _at(day_start(start)))
    if end is not None:
        conds.append(column < _at(day_after(end)))
    return conds


def late_condition(f: CaseFilter, now: datetime,
                   indexed: bool = False) -> list[ColumnElement[bool]]:
    """The task was overdue at some moment of [late_from, late_to] (and before *now*).

    Overdue from its due instant until it was completed or cancelled (or now, if open):
    that interval meets the period when each starts before the other ends. Written as
    "open and due before the end" or "closed after the start, late, due before the end",
    so that both halves can use the index on completed_at.
    """
    if f.late_from is None and f.late_to is None:
        return []
    start = day_start(f.late_from) if f.late_from else None
    end = min(day_after(f.late_to), now) if f.late_to else now
    if start is not None and start >= end:  # a period that begins after now: nobody yet
        return [false()]
    if indexed:  # the same, as one range of ix_human_task_late
        conds = [HumanTask.due_at < _at(end), or_(HumanTask.completed_at.is_(None),
                                                  HumanTask.completed_at > HumanTask.due_at)]
        if start is not None:
            conds.append(func.coalesce(HumanTask.completed_at, literal_column(
                "'9999-12-31 00:00:00+00'", UtcDateTime())) > _at(start))
        return conds
    closed = [HumanTask.completed_at.is_not(None), HumanTask.completed_at > HumanTask.due_at]
    if start is not None:
        closed.append(HumanTask.completed_at > _at(start))
    return [HumanTask.due_at < _at(end),
            or_(HumanTask.completed_at.is_(None), and_(*closed))]


def task_conditions(session: Session, f: CaseFilter, now: datetime,
                    pick_first: bool = True) -> list[ColumnElement[bool]]:
    """The conditions on HumanTask of the filter's task part. With *pick_first* the period's
    conditions go into a sub-select of task ids (the cases list); without, they stay on the
    task itself (the dashboard's grouped figures, where a self-join only adds a scan)."""
    conds: list[ColumnElement[bool]] = []
    if f.step:
        conds.append(HumanTask.task_spec == f.step)
    if f.task_org:
        org = _org(session, f.task_org)
        conds.append(HumanTask.assignee_org_id == org.id if org else false())
    if f.task_under:
        org = _org(session, f.task_under)
        if org is None:
            conds.append(false())
        elif policy.whole_tree(session, org):
            conds.append(HumanTask.assignee_org_id.is_not(None))
        else:
            conds.append(HumanTask.assignee_org_id.in_(_subtree_ids(org)))
    if f.task_open:
        conds.append(HumanTask.status == "open")
    period = late_condition(f, now, indexed=not pick_first)
    if f.done_from or f.done_to:
        period += [HumanTask.status == "completed",
                   *_range(HumanTask.completed_at, f.done_from, f.done_to)]
    if period and not pick_first:
        conds += period
    elif period:
        # the period picks the tasks first (by the index on completed_at); grouping by
        # organisation must not make the planner walk every task of every organisation
        conds.append(HumanTask.id.in_(select(HumanTask.id).where(*period)))
    if f.decision:
        conds.append(HumanTask.decision == f.decision)
    if f.reason:
        conds.append(HumanTask.reason_code == f.reason)
    return conds


def _text_condition(session: Session, q: str) -> ColumnElement[bool]:
    text = q.strip()
    if text.upper().startswith("ZJ"):
        return TransferCase.number == text.upper()
    if len(text) == 18 and text[:17].isdigit():
        members = select(Member.id).where(Member.id_number == text.upper())
        return or_(TransferCase.member_id.in_(members),
                   and_(TransferCase.member_id.is_(None),
                        TransferCase.letter["member"]["id_number"].as_string() == text.upper()))
    members = select(Member.id).where(Member.name.contains(text, autoescape=True))
    return or_(TransferCase.member_id.in_(members),
               and_(TransferCase.member_id.is_(None),
                    TransferCase.letter["member"]["name"].as_string().contains(
                        text, autoescape=True)))


def _status_condition(status: str) -> ColumnElement[bool]:
    if status == "open":
        return TransferCase.status.not_in(FINAL_STATUSES)
    if status == "closed":
        return TransferCase.status.in_(FINAL_STATUSES)
    return TransferCase.status == status


def case_conditions(session: Session, user: User, f: CaseFilter,
                    now: datetime) -> list[ColumnElement[bool]]:
    """Every condition on TransferCase: what *user* may see, then the filter."""
    policy.require(user, policy.Action.VIEW_CASES)
    conds: list[ColumnElement[bool]] = [policy.case_visibility(session, user)]
    if f.kind:
        conds.append(TransferCase.kind == f.kind)
    if f.status:
        conds.append(_status_condition(f.status))
    if f.org:
        org = _org(session, f.org)
        if org is None:
            conds.append(false())
        elif not policy.whole_tree(session, org) and not policy.visibility_is_subtree(user, org):
            # (the root's subtree is every case; the user's own subtree is what they see)
            conds.append(TransferCase.id.in_(select(CaseOrg.case_id).where(
                CaseOrg.org_id.in_(_subtree_ids(org)))))
    if f.q.strip():
        conds.append(_text_condition(session, f.q))
    conds += _range(TransferCase.created_at, f.created_from, f.created_to)
    conds += _range(TransferCase.ended_at, f.ended_from, f.ended_to)
    if f.overdue:
        conds.append(exists().where(HumanTask.instance_id == TransferCase.instance_id,
                                    HumanTask.status == "open",
                                    HumanTask.due_at <= _at(now)))
    if f.deployment is not None:
        conds.append(TransferCase.instance_id.in_(select(Instance.id).where(
            Instance.deployment_id == f.deployment)))
    if f.has_task_filter():
        # the matching tasks are found once (not per case), then their cases
        conds.append(TransferCase.instance_id.in_(
            select(HumanTask.instance_id).where(*task_conditions(session, f, now))))
    return conds


def unknown_orgs(session: Session, f: CaseFilter) -> dict[str, str]:
    """Messages for organisation codes of the filter that do not exist."""
    return {name: "无此组织编码" for name in ("org", "task_org", "task_under")
            if getattr(f, name) and _org(session, getattr(f, name)) is None}


@dataclass
class OpenStep:
    """An open task of a case as the list shows it."""

    task_id: int
    title: str
    org_name: str
    due_at: datetime | None
    overdue: bool
    claimed_by: str | None
    days_left: int | None = None  # working days to the due day (negative: overdue)

    @property
    def due_day(self) -> date | None:
        """The last day to act (the due instant is the end of that day)."""
        return due_day(self.due_at) if self.due_at else None


@dataclass
class CaseRow:
    """One row of the cases list."""

    id: int
    number: str
    kind: str
    status: str
    member_name: str
    id_number: str
    from_org: str
    to_org: str
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    steps: list[OpenStep] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        """Whether an open step is past its due time."""
        return any(s.overdue for s in self.steps)


@dataclass
class CasePage:
    """One page of the list and the total."""

    rows: list[CaseRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-self.total // self.per_page))


def _ordered(conds: list[ColumnElement[bool]], f: CaseFilter) -> Select[Any]:
    """The rows query in the filter's order. "due": the earliest open due time first, from
    one grouped pass over the open tasks (not a subquery per case)."""
    query = _rows_query(conds)
    if f.sort == "created":
        return query.order_by(TransferCase.created_at, TransferCase.id)
    if f.sort == "-updated":
        return query.order_by(TransferCase.updated_at.desc(), TransferCase.id.desc())
    if f.sort == "number":
        return query.order_by(TransferCase.number)
    if f.sort == "due":
        due = (select(HumanTask.instance_id, func.min(HumanTask.due_at).label("due"))
               .where(HumanTask.status == "open").group_by(HumanTask.instance_id).subquery())
        return (query.outerjoin(due, due.c.instance_id == TransferCase.instance_id)
                .order_by(due.c.due.is_(None), due.c.due, TransferCase.id))
    return query.order_by(TransferCase.created_at.desc(), TransferCase.id.desc())


def _rows_query(conds: list[ColumnElement[bool]]) -> Select[Any]:
    src, dst = aliased(Org), aliased(Org)
    return (select(TransferCase.id, TransferCase.number, TransferCase.kind,
                   TransferCase.status, TransferCase.instance_id, TransferCase.created_at,
                   TransferCase.updated_at, TransferCase.ended_at, TransferCase.letter,
                   TransferCase.destination, Member.name.label("member_name"),
                   Member.id_number, src.name.label("from_name"), dst.name.label("to_name"))
            .outerjoin(Member, Member.id == TransferCase.member_id)
            .outerjoin(src, src.id == TransferCase.from_org_id)
            .outerjoin(dst, dst.id == TransferCase.to_org_id)
            .where(*conds))


def _to_name(r: Any) -> str:
    if r.to_name:
        return str(r.to_name)
    dest = r.destination or {}
    return str(dest.get("org_name") or dest.get("organisation") or dest.get("issuing_org")
               or dest.get("province") or "")


def _row(r: Any) -> CaseRow:
    member = (r.letter or {}).get("member") or {}
    return CaseRow(id=r.id, number=r.number, kind=r.kind, status=r.status,
                   member_name=str(r.member_name or member.get("name") or ""),
                   id_number=str(r.id_number or member.get("id_number") or ""),
                   from_org=str(r.from_name or ""), to_org=_to_name(r),
                   created_at=r.created_at, updated_at=r.updated_at, ended_at=r.ended_at)


def days_left(cal: Any, due_at: datetime | None, now: datetime) -> int | None:
    """Working days from today to the due day (0: due today; negative: overdue by that many).

    A due instant is the end of its day (00:00 of the next day), so the due day is the day
    just before that instant.
    """
    if due_at is None:
        return None
    return int(cal.working_days_between(local_date(now), due_day(due_at)))


def due_day(due_at: datetime) -> date:
    """The day a due instant ends (due instants are 00:00 after the last day)."""
    return local_date(due_at - timedelta(microseconds=1))


def _attach_steps(session: Session, rows: list[tuple[int | None, CaseRow]],
                  now: datetime) -> None:
    by_instance = {iid: row for iid, row in rows if iid is not None}
    if not by_instance:
        return
    query = (select(HumanTask.id, HumanTask.instance_id, HumanTask.title, HumanTask.due_at,
                    HumanTask.claimed_by, Org.name)
             .outerjoin(Org, Org.id == HumanTask.assignee_org_id)
             .where(HumanTask.instance_id.in_(by_instance), HumanTask.status == "open")
             .order_by(HumanTask.id))
    cal = current_calendar(session)
    for t in session.execute(query):
        overdue = t.due_at is not None and t.due_at <= now
        by_instance[t.instance_id].steps.append(OpenStep(
            t.id, t.title, t.name or "", t.due_at, overdue, t.claimed_by,
            days_left(cal, t.due_at, now)))


def list_cases(session: Session, user: User, f: CaseFilter, now: datetime, page: int = 1,
               per_page: int = 50) -> CasePage:
    """One page of the cases *user* may see that match *f*, with their total."""
    conds = case_conditions(session, user, f, now)
    total = session.scalar(select(func.count()).select_from(TransferCase).where(*conds)) or 0
    per_page = per_page if per_page in (20, 50, 100) else 50
    page = max(1, min(page, max(1, -(-total // per_page))))
    query = _ordered(conds, f).limit(per_page) \
        .offset((page - 1) * per_page)
    pairs = [(r.instance_id, _row(r)) for r in session.execute(query)]
    _attach_steps(session, pairs, now)
    return CasePage([row for _, row in pairs], total, page, per_page)


def count_cases(session: Session, user: User, f: CaseFilter, now: datetime) -> int:
    """How many cases the list of *f* has for *user*."""
    conds = case_conditions(session, user, f, now)
    return session.scalar(select(func.count()).select_from(TransferCase).where(*conds)) or 0


def iter_cases(session: Session, user: User, f: CaseFilter, now: datetime,
               chunk: int = CHUNK) -> Iterator[CaseRow]:
    """Every matching row in the list's order, fetched in chunks (for exports)."""
    conds = case_conditions(session, user, f, now)
    query = _ordered(conds, f)
    batch: list[tuple[int | None, CaseRow]] = []
    for r in session.execute(query.execution_options(yield_per=chunk)):
        batch.append((r.instance_id, _row(r)))
        if len(batch) >= chunk:
            _attach_steps(session, batch, now)
            yield from (row for _, row in batch)
            batch = []
    _attach_steps(session, batch, now)
    yield from (row for _, row in batch)


def org_options(session: Session, user: User, below: int = 2,
                limit: int = 500) -> list[tuple[str, str, int]]:
    """(code, name, depth below the user's organisation) of the user's organisation and the
    levels under it, in tree order: the choices of the organisation filter."""
    own = session.get(Org, user.org_id)
    if own is None:
        return []
    rows = session.execute(select(Org.code, Org.name, Org.depth, Org.path)
                           .where(Org.path.startswith(own.path, autoescape=True),
                                  Org.depth <= own.depth + below)
                           .order_by(Org.path).limit(limit)).all()
    return [(r.code, r.name, r.depth - own.depth) for r in rows]


def org_names(session: Session, codes: list[str]) -> dict[str, str]:
    """The names of the organisations *codes* (unknown codes are left out)."""
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    return dict(session.execute(select(Org.code, Org.name).where(Org.code.in_(wanted))).all())
