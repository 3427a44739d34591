"""A case's route as a progress line, and its history of send-backs and refusals.

Each level of the route (ROUTING.md) is one step: the organisation, its state, the date, the
working days used and the limit. The state of a level is read from the human tasks of the
case that belong to it (by task and organisation) — no workflow is deserialized. The
partial ``partials/progress.html`` draws the steps; the task page and the case page use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine.clock import SHANGHAI
from app.models.case import REFUSE_REASONS, SEND_BACK_REASONS, TransferCase
from app.models.engine import HumanTask
from app.models.org import Org
from app.services.calendar import current_calendar

APPLICANT = frozenset({"correct", "correct_again"})
INITIATOR = frozenset({"initiate", "recheck", "verify"})
APPROVER = frozenset({"approve", "archive_return"})
ARCHIVE = frozenset({"archive_review", "archive_entry"})
DECISION_LABELS = {"approve": "已同意", "initiate": "已发起", "agree": "同意接收",
                   "resubmit": "重新报送", "resolve": "已核实", "send_back": "已退回",
                   "refuse": "不予转接", "close": "终止转接"}
HISTORY_DECISIONS = {"send_back": "退回", "refuse": "不予转接", "close": "终止转接"}


@dataclass(frozen=True)
class Level:
    """One level of a route: what it does, which organisation, which tasks belong to it."""

    label: str
    org: str | None
    specs: frozenset[str]
    parallel: bool = False
    limit: int | None = None      # working days (PROCEDURES.md, "Deadlines in one table")


@dataclass(frozen=True)
class ProgressStep:
    """One step of the progress line."""

    label: str
    org_code: str | None
    org_name: str
    state: str         # done | progress | overdue | back | waiting | cancelled
    state_label: str
    at: datetime | None
    used_days: int | None
    limit_days: int | None
    parallel: bool = False
    task_id: int | None = None


@dataclass(frozen=True)
class SendBack:
    """A send-back or refusal with its reason."""

    at: datetime | None
    org_name: str
    step: str
    decision_label: str
    reason_label: str
    comment: str | None
    by: str | None


def _approvers(route: dict[str, Any]) -> list[Level]:
    return [Level(f"第{i}级审批", str(code), APPROVER, limit=5)
            for i, code in enumerate(route.get("approvers") or [], start=1)]


def route_levels(kind: str, route: dict[str, Any], from_code: str | None,
                 to_code: str | None) -> list[Level]:
    """The levels of a route of *kind* in order (the archive review is parallel)."""
    r = route
    archive = [Level("档案审核（同步）" if kind == "intra" else "录入党员信息",
                     r.get("archive_reviewer"), ARCHIVE, parallel=kind == "intra", limit=15)] \
        if r.get("archive_reviewer") else []
    receive = Level("接收", r.get("receiver"), frozenset({"receive"}), limit=15)
    report = Level("报到", to_code, frozenset({"report", "urge", "handling"}), limit=15)
    if kind == "in":
        return [Level("登记介绍信", r.get("registrar"), INITIATOR), *_approvers(r), *archive,
                receive, report]
    if kind == "whole-unit":
        return [Level("申请", from_code, frozenset()),
                Level("同意接收", r.get("to"), frozenset({"agree"}), limit=5),
                Level("审批", r.get("handler"), frozenset({"decide"}), limit=5)]
    head = [Level("申请", from_code, APPLICANT),
            Level("发起", r.get("initiator"), INITIATOR, limit=5), *_approvers(r)]
    if kind == "out":
        return [*head, Level("开具介绍信", r.get("issuer"), frozenset({"handover"}), limit=5),
                Level("登记回执", r.get("issuer"), frozenset({"receipt", "followup"}))]
    if kind == "out-of-system":
        return [*head, Level("转出办理", r.get("handler"), frozenset({"record_destination"}),
                             limit=5)]
    return [*head, *archive, receive, report]


def _codes(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {r.id: r.code for r in session.execute(
        select(Org.id, Org.code).where(Org.id.in_(wanted)))}


def _names(session: Session, codes: set[str | None]) -> dict[str, str]:
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    return {r.code: r.name for r in session.execute(
        select(Org.code, Org.name).where(Org.code.in_(wanted)))}


def case_tasks(session: Session, case: TransferCase) -> list[HumanTask]:
    """Every human task of the case, oldest first."""
    if case.instance_id is None:
        return []
    return list(session.scalars(select(HumanTask).where(
        HumanTask.instance_id == case.instance_id).order_by(HumanTask.id)))


class _Counter:
    """Working days between two instants, read in Asia/Shanghai."""

    def __init__(self, session: Session) -> None:
        self.calendar = current_calendar(session)

    def used(self, start: datetime, end: datetime) -> int:
        first, last = start.astimezone(SHANGHAI).date(), end.astimezone(SHANGHAI).date()
        return max(self.calendar.working_days_between(first, last), 0)


def _task_state(task: HumanTask, now: datetime) -> tuple[str, str]:
    if task.status == "open":
        if task.overdue or (task.due_at is not None and task.due_at <= now):
            return "overdue", "已超期"
        return "progress", "待修改" if task.task_spec in APPLICANT else "办理中"
    if task.status == "cancelled":
        return "cancelled", "已取消"
    if task.decision in ("send_back", "refuse", "close"):
        return "back", DECISION_LABELS[task.decision]
    return "done", DECISION_LABELS.get(task.decision or "", "已办理")


def _current(tasks: list[HumanTask], now: datetime) -> HumanTask:
    """The task a level shows: an overdue open one first, then the latest open, then the
    latest (a level may hold an approval and an archive return at once)."""
    waiting = [t for t in tasks if t.status == "open"]
    late = [t for t in waiting if _task_state(t, now)[0] == "overdue"]
    return (late or waiting or tasks)[-1]


def _step(level: Level, name: str, tasks: list[HumanTask], case: TransferCase,
          now: datetime, counter: _Counter) -> ProgressStep:
    if not tasks:
        if level.label in ("申请", "登记介绍信"):
            return ProgressStep(level.label, level.org, name, "done", "已提交",
                                case.created_at, None, None, level.parallel)
        return ProgressStep(level.label, level.org, name, "waiting", "未开始", None, None, None,
                            level.parallel)
    task = _current(tasks, now)
    state, label = _task_state(task, now)
    end = task.completed_at if task.status != "open" and task.completed_at else now
    limit = (task.due_basis or {}).get("working_days")
    return ProgressStep(level.label, level.org, name, state, label,
                        task.completed_at if task.status != "open" else task.created_at,
                        counter.used(task.created_at, end),
                        int(limit) if isinstance(limit, int) else None, level.parallel, task.id)


def case_progress(session: Session, case: TransferCase, now: datetime) -> list[ProgressStep]:
    """The progress line of *case* at instant *now*."""
    codes = _codes(session, {case.from_org_id, case.to_org_id})
    levels = route_levels(case.kind, case.route or {}, codes.get(case.from_org_id),
                          codes.get(case.to_org_id or 0))
    tasks = case_tasks(session, case)
    task_orgs = _codes(session, {t.assignee_org_id for t in tasks})
    names = _names(session, {level.org for level in levels})
    counter = _Counter(session)
    steps = []
    for level in levels:
        mine = [t for t in tasks if t.task_spec in level.specs
                and task_orgs.get(t.assignee_org_id or 0) == level.org]
        steps.append(_step(level, names.get(level.org or "", level.org or "—"), mine, case,
                           now, counter))
    return steps


def route_preview(session: Session, kind: str, route: dict[str, Any], from_code: str | None,
                  to_code: str | None) -> list[ProgressStep]:
    """The route a request would take, as the progress line draws it (nothing started)."""
    levels = route_levels(kind, route, from_code, to_code)
    names = _names(session, {level.org for level in levels})
    return [ProgressStep(level.label, level.org, names.get(level.org or "", level.org or "—"),
                         "waiting", "本次申请" if i == 0 else "待办理", None, None, level.limit,
                         level.parallel)
            for i, level in enumerate(levels)]


def send_backs(session: Session, case: TransferCase) -> list[SendBack]:
    """The send-backs and refusals of *case*, oldest first, with their reason labels."""
    tasks = [t for t in case_tasks(session, case) if t.decision in HISTORY_DECISIONS]
    names = {r.id: r.name for r in session.execute(select(Org.id, Org.name).where(
        Org.id.in_({t.assignee_org_id for t in tasks})))} if tasks else {}
    return [SendBack(at=t.completed_at, org_name=names.get(t.assignee_org_id or 0, "—"),
                     step=t.title.split("：")[0],
                     decision_label=HISTORY_DECISIONS[t.decision or ""],
                     reason_label=SEND_BACK_REASONS.get(t.reason_code or "")
                     or REFUSE_REASONS.get(t.reason_code or "") or "—",
                     comment=t.comment, by=t.completed_by)
            for t in tasks]
