"""The inbox (待办) of a signed-in user's organisation and role.

Tabs: 待办 (open tasks), 即将到期 (due within two working days), 已超期, 未办结 (cases the
organisation has handled that are not finished yet — Art. 11) and 已办 (tasks it completed).
Everything is read from ``human_task``, ``transfer_case``, ``case_org`` and ``member`` with
indexed conditions; no workflow is deserialized to show a list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from math import ceil
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from app.engine.clock import SHANGHAI
from app.models.case import CASE_KINDS, CASE_STATUSES, FINAL_STATUSES, CaseOrg, TransferCase
from app.models.engine import HumanTask
from app.models.member import Member
from app.models.org import Org
from app.models.user import User
from app.services.calendar import current_calendar
from app.workcal import Calendar

TABS = {"todo": "待办", "soon": "即将到期", "overdue": "已超期", "unfinished": "未办结",
        "done": "已办"}
TASK_TABS = ("todo", "soon", "overdue")
SOON_WORKING_DAYS = 2


@dataclass(frozen=True)
class Due:
    """How much time a task has left, in working days (UI.md)."""

    state: str          # "overdue" | "soon" | "normal"
    days: int           # working days left (≥ 0) or past the deadline (≥ 0)
    text: str           # 剩余 3 个工作日 / 今日到期 / 已超期 2 个工作日
    provisional: bool   # the deadline crosses a year without an official calendar


@dataclass(frozen=True)
class InboxRow:
    """One line of the inbox: a task (task tabs, 已办) or a case (未办结)."""

    case_id: int
    case_number: str
    kind_label: str
    status: str
    status_label: str
    subject: str                      # the member's name (the unit's, whole-unit)
    title: str                        # the task, or the case's current step
    task_id: int | None = None
    open: bool = False
    created_at: datetime | None = None
    due_at: datetime | None = None
    due: Due | None = None
    completed_at: datetime | None = None
    completed_by: str | None = None
    decision: str | None = None
    where: list[str] = field(default_factory=list)   # 未办结: the organisations now acting


@dataclass(frozen=True)
class InboxPage:
    """One page of one tab, with the number of rows of every tab."""

    tab: str
    query: str
    rows: list[InboxRow]
    total: int
    page: int
    pages: int
    counts: dict[str, int]


def due_day(due_at: datetime) -> date:
    """The working day a deadline ends (deadlines are the instant the day ends, 00:00 next)."""
    return (due_at.astimezone(SHANGHAI) - timedelta(microseconds=1)).date()


def remaining(calendar: Calendar, due_at: datetime, now: datetime, provisional: bool,
              soon_cutoff: datetime) -> Due:
    """The remaining (or overdue) working days of a deadline at *now*."""
    today = now.astimezone(SHANGHAI).date()
    last = due_day(due_at)
    if due_at <= now:
        days = max(calendar.working_days_between(last, today), 0)
        text = f"已超期 {days} 个工作日" if days else "已超期（不足 1 个工作日）"
        return Due("overdue", days, text, provisional)
    days = max(calendar.working_days_between(today, last), 0)
    text = f"剩余 {days} 个工作日" if days else "今日到期"
    return Due("soon" if due_at <= soon_cutoff else "normal", days, text, provisional)


def soon_cutoff(calendar: Calendar, now: datetime) -> datetime:
    """The end of the second working day after today: tasks due by then are 即将到期."""
    today = now.astimezone(SHANGHAI).date()
    return calendar.add_working_days(today, SOON_WORKING_DAYS).due


def _open_tasks(user: User) -> ColumnElement[bool]:
    return and_(HumanTask.assignee_org_id == user.org_id, HumanTask.status == "open",
                HumanTask.role.in_(user.role_names))


def _tab_condition(tab: str, now: datetime, cutoff: datetime) -> ColumnElement[bool] | None:
    overdue = or_(HumanTask.overdue.is_(True), HumanTask.due_at <= now)
    if tab == "overdue":
        return overdue
    if tab == "soon":
        return and_(HumanTask.due_at > now, HumanTask.due_at <= cutoff,
                    HumanTask.overdue.is_(False))
    return None


def _search(query: str, *extra: Any) -> ColumnElement[bool]:
    conditions = [Member.name.contains(query, autoescape=True),
                  TransferCase.number.contains(query.upper(), autoescape=True)]
    conditions += [column.contains(query, autoescape=True) for column in extra]
    return or_(*conditions)


def _task_query(user: User, tab: str, query: str, now: datetime,
                cutoff: datetime) -> Select[HumanTask, TransferCase, str]:
    stmt = (select(HumanTask, TransferCase, Member.name)
            .join(TransferCase, TransferCase.instance_id == HumanTask.instance_id)
            .outerjoin(Member, Member.id == TransferCase.member_id))
    if tab == "done":
        stmt = stmt.where(HumanTask.assignee_org_id == user.org_id,
                          HumanTask.status == "completed", HumanTask.completed_by.is_not(None))
    else:
        stmt = stmt.where(_open_tasks(user))
        condition = _tab_condition(tab, now, cutoff)
        if condition is not None:
            stmt = stmt.where(condition)
    if query:
        stmt = stmt.where(_search(query, HumanTask.title))
    return stmt


def _handled(org_id: int) -> ColumnElement[bool]:
    """The organisation applied for the case or completed one of its tasks."""
    completed = exists().where(HumanTask.instance_id == TransferCase.instance_id,
                               HumanTask.assignee_org_id == org_id,
                               HumanTask.status == "completed",
                               HumanTask.completed_by.is_not(None))
    return or_(TransferCase.from_org_id == org_id, completed)


def _case_query(user: User, query: str) -> Select[TransferCase, str]:
    stmt = (select(TransferCase, Member.name)
            .join(CaseOrg, and_(CaseOrg.case_id == TransferCase.id,
                                CaseOrg.org_id == user.org_id))
            .outerjoin(Member, Member.id == TransferCase.member_id)
            .where(TransferCase.status.not_in(FINAL_STATUSES), _handled(user.org_id)))
    if query:
        stmt = stmt.where(_search(query))
    return stmt


def _count(session: Session, stmt: Select[*tuple[Any, ...]]) -> int:
    return int(session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
               or 0)


def subject_of(case: TransferCase, member_name: str | None,
               unit_names: dict[int, str] | None = None) -> str:
    """Whom a case is about: the member, the registered member (省外转入), or the unit."""
    if member_name:
        return member_name
    if case.kind == "whole-unit" and case.unit_org_id and unit_names:
        return unit_names.get(case.unit_org_id, "")
    member = (case.letter or {}).get("member")
    return str(member.get("name", "")) if isinstance(member, dict) else ""


def _unit_names(session: Session, cases: list[TransferCase]) -> dict[int, str]:
    ids = {c.unit_org_id for c in cases if c.unit_org_id}
    if not ids:
        return {}
    return {i: n for i, n in session.execute(select(Org.id, Org.name).where(Org.id.in_(ids)))}


def _task_rows(session: Session, rows: list[Any], now: datetime, calendar: Calendar,
               cutoff: datetime) -> list[InboxRow]:
    units = _unit_names(session, [case for _, case, _ in rows])
    result = []
    for task, case, member_name in rows:
        due = None
        if task.status == "open" and task.due_at is not None:
            due = remaining(calendar, task.due_at, now, task.due_provisional, cutoff)
            if task.overdue and due.state != "overdue":
                due = Due("overdue", 0, "已超期", task.due_provisional)
        result.append(InboxRow(
            case_id=case.id, case_number=case.number, kind_label=CASE_KINDS[case.kind],
            status=case.status, status_label=CASE_STATUSES.get(case.status, case.status),
            subject=subject_of(case, member_name, units), title=task.title, task_id=task.id,
            open=task.status == "open", created_at=task.created_at, due_at=task.due_at,
            due=due, completed_at=task.completed_at, completed_by=task.completed_by,
            decision=task.decision))
    return result


def _where_now(session: Session, cases: list[TransferCase]) -> dict[int, list[str]]:
    """The open steps of each case: 'title（organisation）'."""
    by_instance = {c.instance_id: c.id for c in cases if c.instance_id}
    if not by_instance:
        return {}
    rows = session.execute(
        select(HumanTask.instance_id, HumanTask.title, Org.name)
        .outerjoin(Org, Org.id == HumanTask.assignee_org_id)
        .where(HumanTask.instance_id.in_(by_instance), HumanTask.status == "open")
        .order_by(HumanTask.id))
    found: dict[int, list[str]] = {}
    for instance_id, title, org_name in rows:
        step = title.split("：")[0]
        found.setdefault(by_instance[instance_id], []).append(f"{step}（{org_name or '—'}）")
    return found


def _case_rows(session: Session, rows: list[Any]) -> list[InboxRow]:
    cases = [case for case, _ in rows]
    units = _unit_names(session, cases)
    where = _where_now(session, cases)
    return [InboxRow(case_id=case.id, case_number=case.number,
                     kind_label=CASE_KINDS[case.kind], status=case.status,
                     status_label=CASE_STATUSES.get(case.status, case.status),
                     subject=subject_of(case, name, units),
                     title="；".join(where.get(case.id, [])) or "—",
                     created_at=case.created_at, where=where.get(case.id, []))
            for case, name in rows]


def _paging(session: Session, stmt: Select[*tuple[Any, ...]], page: int,
            page_size: int) -> tuple[int, int, int]:
    total = _count(session, stmt)
    pages = max(ceil(total / page_size), 1)
    return total, min(max(page, 1), pages), pages


def _slice(stmt: Any, page: int, page_size: int) -> Any:
    return stmt.limit(page_size).offset((page - 1) * page_size)


def tab_counts(session: Session, user: User, now: datetime) -> dict[str, int]:
    """How many rows each tab has (without a search)."""
    cutoff = soon_cutoff(current_calendar(session), now)
    counts = {tab: _count(session, _task_query(user, tab, "", now, cutoff))
              for tab in (*TASK_TABS, "done")}
    counts["unfinished"] = _count(session, _case_query(user, ""))
    return {tab: counts[tab] for tab in TABS}


def inbox(session: Session, user: User, now: datetime, *, tab: str = "todo", query: str = "",
          page: int = 1, page_size: int = 20) -> InboxPage:
    """One page of one tab of *user*'s inbox at instant *now*."""
    tab = tab if tab in TABS else "todo"
    query = query.strip()[:50]
    calendar = current_calendar(session)
    cutoff = soon_cutoff(calendar, now)
    rows: list[InboxRow]
    if tab == "unfinished":
        cases = _case_query(user, query).order_by(TransferCase.updated_at.desc(),
                                                  TransferCase.id.desc())
        total, page, pages = _paging(session, cases, page, page_size)
        rows = _case_rows(session, list(session.execute(_slice(cases, page, page_size))))
    else:
        found = _task_query(user, tab, query, now, cutoff)
        found = found.order_by(HumanTask.completed_at.desc(), HumanTask.id.desc()) \
            if tab == "done" else found.order_by(HumanTask.due_at.asc().nulls_last(),
                                                 HumanTask.id)
        total, page, pages = _paging(session, found, page, page_size)
        rows = _task_rows(session, list(session.execute(_slice(found, page, page_size))), now,
                          calendar, cutoff)
    return InboxPage(tab=tab, query=query, rows=rows, total=total, page=page, pages=pages,
                     counts=tab_counts(session, user, now))
