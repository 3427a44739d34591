"""What the task page shows: the case in brief, the form's schema, the progress line, the
send-backs, the paper letters, suggestions and defaults for the form, and — for a completed
task — what was submitted (from the audit log).

Only the task's organisation and role may open a task (app.policy.require_task), whether
it is open or completed; the withdrawal offered there is the initiator's (require_withdraw).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import policy
from app.engine.clock import SHANGHAI
from app.errors import Forbidden, NotAllowed, NotFound
from app.models.audit import AuditEvent
from app.models.case import CASE_KINDS, CASE_STATUSES, FINAL_STATUSES, Letter, TransferCase
from app.models.engine import Deployment, HumanTask, Instance
from app.models.member import Member
from app.models.org import Org
from app.models.user import User
from app.services.letter_prints import case_letters
from app.services.progress import ProgressStep, SendBack, case_progress, send_backs

CATEGORY_LABELS = {"full": "正式党员", "probationary": "预备党员"}
MAX_BRANCH_CHOICES = 200


@dataclass(frozen=True)
class CaseSummary:
    """The case in brief, as the top of the task page shows it."""

    id: int
    number: str
    kind_label: str
    status: str
    status_label: str
    subject: str
    gender: str | None
    id_number: str | None
    category_label: str | None
    from_text: str
    to_text: str
    reason: str | None
    created_at: datetime
    final: bool


@dataclass
class TaskView:
    """Everything the task page needs."""

    task: HumanTask
    org_name: str
    case: CaseSummary
    schema: dict[str, Any] | None
    progress: list[ProgressStep]
    history: list[SendBack]
    letters: list[Letter]
    defaults: dict[str, Any] = field(default_factory=dict)
    branch_choices: list[tuple[str, str]] = field(default_factory=list)
    submitted: dict[str, Any] = field(default_factory=dict)
    may_withdraw: bool = False
    printable: set[int] = field(default_factory=set)  # letters the user may print


def load_task(session: Session, user: User, task_id: int) -> HumanTask:
    """Task *task_id* if *user* may act on it (its organisation and role); else refused."""
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(f"task {task_id} does not exist")
    policy.require_task(user, task)
    return task


def case_of_task(session: Session, task: HumanTask) -> TransferCase:
    """The case whose workflow the task belongs to."""
    case = session.scalar(select(TransferCase).where(TransferCase.instance_id == task.instance_id))
    if case is None:
        raise NotFound(f"task {task.id} belongs to no case")
    return case


def form_schema(session: Session, task: HumanTask) -> dict[str, Any] | None:
    """The JSON schema of the task's form, from the deployment its instance runs."""
    if not task.form:
        return None
    dep = session.scalar(select(Deployment).join(Instance, Instance.deployment_id == Deployment.id)
                         .where(Instance.id == task.instance_id))
    forms: dict[str, Any] = json.loads(dep.forms_json) if dep else {}
    schema = forms.get(task.form)
    return schema if isinstance(schema, dict) else None


def _org_names(session: Session, *ids: int | None) -> dict[int, str]:
    wanted = {i for i in ids if i}
    return {r.id: r.name for r in session.execute(
        select(Org.id, Org.name).where(Org.id.in_(wanted)))} if wanted else {}


def _ends(session: Session, case: TransferCase) -> tuple[str, str]:
    """From → to as words: organisations, or the outside organisation and province."""
    names = _org_names(session, case.from_org_id, case.to_org_id, case.unit_org_id)
    dest = case.destination or {}
    source = names.get(case.from_org_id, "")
    target = names.get(case.to_org_id or 0, "")
    if case.kind == "out":
        target = f"{dest.get('province', '')}{dest.get('org_name', '')}"
    elif case.kind == "out-of-system":
        target = str(dest.get("unit") or "系统外单位（由办理党组织登记）")
    elif case.kind == "in":
        source = f"{dest.get('province', '')}{dest.get('issuing_org', '')}"
    elif case.kind == "whole-unit":
        source = f"{names.get(case.unit_org_id or 0, '')}（原隶属{source}）"
    return source, target


def summarize(session: Session, case: TransferCase) -> CaseSummary:
    """The case in brief (the 公民身份号码 in full; templates mask it)."""
    member = session.get(Member, case.member_id) if case.member_id else None
    letter: dict[str, Any] = dict(case.letter or {})
    registered = letter.get("member") if isinstance(letter.get("member"), dict) else {}
    assert isinstance(registered, dict)
    source, target = _ends(session, case)
    who: tuple[str, str | None, str | None, str | None]
    if member is not None:
        who = (member.name, member.gender, member.id_number, member.category)
    elif case.kind == "whole-unit":
        who = (_org_names(session, case.unit_org_id).get(case.unit_org_id or 0, ""), None,
               None, None)
    else:
        who = (str(registered.get("name", "")), registered.get("gender"),
               registered.get("id_number"), registered.get("category"))
    return CaseSummary(
        id=case.id, number=case.number, kind_label=CASE_KINDS[case.kind], status=case.status,
        status_label=CASE_STATUSES.get(case.status, case.status), subject=who[0],
        gender=who[1], id_number=who[2], category_label=CATEGORY_LABELS.get(who[3] or ""),
        from_text=source, to_text=target, reason=letter.get("reason"),
        created_at=case.created_at, final=case.status in FINAL_STATUSES)


def receiving_branches(session: Session, receiver_code: str | None) -> list[tuple[str, str]]:
    """The branches the receiving committee may assign: those whose unit (the nearest
    organisation above that may transfer members) is the receiver. One query of the
    receiver's subtree; the walk up stays inside it."""
    from app.org.facts import is_unit
    from app.org.tree import OrgNode

    receiver = session.scalar(select(Org).where(Org.code == receiver_code)) \
        if receiver_code else None
    if receiver is None:
        return []
    rows = session.execute(select(Org.id, Org.code, Org.name, Org.kind, Org.parent_id,
                                  Org.nationwide, Org.approves_members)
                           .where(Org.path.startswith(receiver.path, autoescape=True))
                           .order_by(Org.code)).all()
    by_id = {r.id: r for r in rows}
    found = []
    for row in rows:
        if row.kind != "branch":
            continue
        parent = by_id.get(row.parent_id)
        while parent is not None and parent.id != receiver.id and not is_unit(OrgNode(
                parent.code, parent.name, parent.kind, None, parent.nationwide,
                parent.approves_members)):
            parent = by_id.get(parent.parent_id)
        if parent is not None and parent.id == receiver.id:
            found.append((row.code, row.name))
    return found[:MAX_BRANCH_CHOICES]


def _defaults(session: Session, task: HumanTask, case: TransferCase,
              now: datetime) -> dict[str, Any]:
    today = now.astimezone(SHANGHAI).date().isoformat()
    if task.form == "receive" and case.to_org_id:
        code = session.scalar(select(Org.code).where(Org.id == case.to_org_id))
        return {"target_branch": code}
    if task.form == "correct_letter":
        letter = dict(case.letter or {})
        return {k: letter.get(k) for k in ("reason", "contact_phone", "archive_handling")}
    if task.form in ("report", "handover", "receipt"):
        return {"reported_on": today, "handed_over_on": today, "received_on": today}
    return {}


def submitted_values(session: Session, task: HumanTask) -> dict[str, Any]:
    """What was submitted when the task was completed (the audit log keeps it)."""
    event = session.scalar(select(AuditEvent).where(
        AuditEvent.instance_id == task.instance_id, AuditEvent.action == "task_completed",
        AuditEvent.task_guid == task.task_guid).order_by(AuditEvent.id.desc()).limit(1))
    changes = dict(event.changes or {}) if event is not None else {}
    return {k: v.get("new") for k, v in changes.items() if isinstance(v, dict)}


def require_withdraw(user: User, case: TransferCase) -> None:
    """The initiator's operators may withdraw until the member's record has landed (Art. 9):
    refused by the policy (403) for anyone else, as not allowed (409) once it is too late."""
    policy.require_at(user, policy.Action.WITHDRAW, case.initiator_org_id)
    if case.status in FINAL_STATUSES or case.landed_at is not None:
        raise NotAllowed("只有发起党委可以在组织关系落地前撤销转接。")


def may_withdraw(user: User, case: TransferCase) -> bool:
    """Whether the task page offers the withdrawal (:func:`require_withdraw`)."""
    try:
        require_withdraw(user, case)
    except (Forbidden, NotAllowed):
        return False
    return True


def task_view(session: Session, user: User, task_id: int, now: datetime) -> TaskView:
    """The task page of *task_id* for *user* at instant *now* (refused for other orgs)."""
    task = load_task(session, user, task_id)
    case = case_of_task(session, task)
    view = TaskView(
        task=task, org_name=_org_names(session, task.assignee_org_id).get(
            task.assignee_org_id or 0, ""),
        case=summarize(session, case), schema=form_schema(session, task),
        progress=case_progress(session, case, now), history=send_backs(session, case),
        letters=case_letters(session, case.id), may_withdraw=may_withdraw(user, case))
    view.printable = {x.id for x in view.letters if policy.may_print_letter(user, x)}
    if task.status == "open":
        view.defaults = _defaults(session, task, case, now)
        if task.form == "receive":
            view.branch_choices = receiving_branches(session, str(case.route.get("receiver")))
    else:
        view.submitted = submitted_values(session, task)
    return view
