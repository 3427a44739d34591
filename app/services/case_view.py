"""The case detail page: summary, route progress, audit timeline, incidents, open tasks.

Read from the case row, its human tasks, its audit chain and its incidents; the diagrams
come from :mod:`app.services.case_diagram`. Visibility follows app.policy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import policy
from app.models.audit import AuditEvent
from app.models.case import Letter, TransferCase
from app.models.engine import Deployment, HumanTask, Incident, Instance
from app.models.member import Member
from app.models.org import Org
from app.models.user import User
from app.services.calendar import current_calendar
from app.services.case_diagram import DiagramState, case_diagrams
from app.services.case_query import OpenStep, days_left
from app.services.cases import get_case
from app.services.diagram_shapes import diagrams_of, shape_of
from app.services.progress import ProgressStep, case_progress
from app.services.task_view import may_withdraw

ACTIONS = {
    "instance_started": "发起流程", "task_created": "生成待办", "task_completed": "办理",
    "task_cancelled": "待办撤销", "service_task": "系统处理", "timer_fired": "时限到期",
    "incident": "发生故障", "retry": "重试", "instance_completed": "流程结束",
    "instance_cancelled": "取消案件", "instance_suspended": "暂停办理",
    "instance_resumed": "恢复办理", "task_released": "释放认领", "reminder_sent": "发送催办",
    "full_id_viewed": "查看完整公民身份号码",
}
ROLE_LEVELS = (("initiator", "发起"), ("registrar", "登记"), ("approvers", "审批"),
               ("issuer", "开具介绍信"), ("handler", "审批"), ("to", "同意接收"),
               ("archive_reviewer", "档案审核"), ("receiver", "接收"))


@dataclass
class TimelineEntry:
    """One audit event, in words."""

    at: datetime
    actor: str
    action: str
    step: str
    comment: str | None
    changes: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class CaseView:
    """Everything the detail page shows."""

    case: TransferCase
    member: Member | None
    orgs: dict[int, Org]
    progress: list[ProgressStep]
    tasks: list[HumanTask]
    timeline: list[TimelineEntry]
    incidents: list[Incident]
    letters: list[Letter]
    instance: Instance | None
    deployment: Deployment | None
    can_manage: bool
    may_withdraw: bool
    can_view_full_id: bool
    diagrams: list[DiagramState]
    step_names: dict[str, str]
    open_steps: list[OpenStep] = field(default_factory=list)

    @property
    def open_tasks(self) -> list[HumanTask]:
        """The tasks open now."""
        return [t for t in self.tasks if t.status == "open"]

    def org_name(self, org_id: int | None) -> str:
        """The name of an organisation of the case ("" when unknown)."""
        org = self.orgs.get(org_id or 0)
        return org.name if org else ""


def _route_levels(case: TransferCase) -> list[tuple[str, str, str]]:
    """(label, organisation code, role) of each level of the route, in order."""
    route = case.route or {}
    if case.kind != "whole-unit":
        route = {k: v for k, v in route.items() if k != "to"}
    levels: list[tuple[str, str, str]] = []
    for key, label in ROLE_LEVELS:
        values = route.get(key) or []
        codes = values if isinstance(values, list) else [values]
        for i, code in enumerate(codes):
            name = f"第{i + 1}级审批" if key == "approvers" else label
            if code and (name, str(code), key) not in levels:
                levels.append((name, str(code), key))
    return levels


def _short(value: Any, limit: int = 120) -> str:
    if isinstance(value, str):
        text = value
    elif value is None:
        text = "（空）"
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[:limit] + "…"


def _changes(changes: dict[str, Any] | None) -> list[tuple[str, str]]:
    if not changes:
        return []
    out = []
    for key, value in changes.items():
        if isinstance(value, dict) and set(value) <= {"old", "new"} and "new" in value:
            text = (f"{_short(value['old'])} → " if "old" in value else "") + _short(value["new"])
        else:
            text = _short(value)
        out.append((str(key), text))
    return out


def _timeline(session: Session, instance_id: int, names: dict[str, str]) -> list[TimelineEntry]:
    events = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                             .order_by(AuditEvent.seq)).all()
    people = dict(session.execute(select(User.username, User.display_name).where(
        User.username.in_({e.actor for e in events}))).all())
    return [TimelineEntry(e.at, people.get(e.actor, e.actor), ACTIONS.get(e.action, e.action),
                          names.get(e.task_spec or "", e.task_spec or ""), e.comment,
                          _changes(e.changes)) for e in events]


def _orgs(session: Session, case: TransferCase, tasks: list[HumanTask]) -> dict[int, Org]:
    codes = [c for _, c, _ in _route_levels(case)]
    ids = {case.from_org_id, case.to_org_id, case.initiator_org_id, case.receiver_org_id,
           case.unit_org_id} | {t.assignee_org_id for t in tasks}
    rows = session.scalars(select(Org).where(Org.id.in_({i for i in ids if i}) |
                                             Org.code.in_(codes))).all()
    return {o.id: o for o in rows}


def _open_steps(session: Session, tasks: list[HumanTask], orgs: dict[int, Org],
                now: datetime) -> list[OpenStep]:
    cal = current_calendar(session)
    return [OpenStep(t.id, t.title, orgs[t.assignee_org_id].name
                     if t.assignee_org_id in orgs else "", t.due_at,
                     t.due_at is not None and t.due_at <= now, t.claimed_by,
                     days_left(cal, t.due_at, now))
            for t in tasks if t.status == "open"]


def _names(session: Session, dep: Deployment | None) -> dict[str, str]:
    names: dict[str, str] = {}
    if dep is not None:
        for d in diagrams_of(session, dep):
            names.update({k: v for k, v in shape_of(d).names.items() if k not in names})
    return names


def case_view(session: Session, user: User, case_id: int | str, now: datetime) -> CaseView:
    """The detail of a case *user* may see (Forbidden otherwise)."""
    case = get_case(session, case_id)
    policy.require_view_case(session, user, case)
    tasks = list(session.scalars(select(HumanTask).where(
        HumanTask.instance_id == case.instance_id).order_by(HumanTask.id))) \
        if case.instance_id else []
    orgs = _orgs(session, case, tasks)
    instance = session.get(Instance, case.instance_id) if case.instance_id else None
    dep = session.get(Deployment, instance.deployment_id) if instance else None
    names = _names(session, dep)
    return CaseView(
        case=case, member=session.get(Member, case.member_id) if case.member_id else None,
        orgs=orgs, tasks=tasks,
        progress=case_progress(session, case, now),
        timeline=_timeline(session, instance.id, names) if instance else [],
        incidents=list(session.scalars(select(Incident).where(
            Incident.instance_id == case.instance_id).order_by(Incident.id))),
        letters=list(session.scalars(select(Letter).where(Letter.case_id == case.id)
                                     .order_by(Letter.id))),
        instance=instance, deployment=dep,
        can_manage=policy.has(user, policy.Action.MANAGE_CASE),
        may_withdraw=may_withdraw(user, case),
        can_view_full_id=policy.has(user, policy.Action.VIEW_FULL_ID),
        diagrams=case_diagrams(session, instance.id, now) if instance else [],
        step_names=names, open_steps=_open_steps(session, tasks, orgs, now))
