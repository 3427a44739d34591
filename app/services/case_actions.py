"""Managers' actions on a case (PROCEDURES.md "People and their rooms"): suspend, resume,
cancel, release a claimed task, send a reminder now, retry incidents, see the full
公民身份号码. Each needs a manager whose subtree the case touches (app.policy) and, except
the retry, a reason; each is written to the audit chain of the case's instance.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app import policy
from app.config import Settings
from app.engine import audit, operations
from app.engine.clock import Clock
from app.errors import Conflict, InvalidData, NotAllowed, NotFound
from app.models.audit import AuditEvent
from app.models.case import FINAL_STATUSES, Notification, OrgLock, TransferCase
from app.models.engine import HumanTask, Instance
from app.models.member import Member
from app.models.user import User
from app.services.actors import active_user
from app.services.cases import get_case
from app.services.notifications import enqueue
from app.services.workflow import engine_config

MAX_REASON = 500


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidData("请填写理由", {"reason": "请填写理由"})
    if len(text) > MAX_REASON:
        raise InvalidData(f"理由不能超过{MAX_REASON}个字", {"reason": f"不能超过{MAX_REASON}个字"})
    return text


def _managed(session: Session, case_id: int | str, username: str) -> tuple[User, TransferCase]:
    user = active_user(session, username)
    case = get_case(session, case_id)
    policy.require_manage_case(session, user, case)
    return user, case


def _instance_id(case: TransferCase) -> int:
    if case.instance_id is None:
        raise NotAllowed(f"case {case.number} has no workflow")
    return case.instance_id


def suspend_case(session: Session, settings: Settings, clock: Clock, case_id: int | str,
                 username: str, reason: str) -> TransferCase:
    """暂停: no timer fires and no task can be completed until the case is resumed."""
    user, case = _managed(session, case_id, username)
    text = _reason(reason)
    if case.status in FINAL_STATUSES:
        raise NotAllowed(f"case {case.number} has ended ({case.status})")
    operations.suspend(session, engine_config(settings), clock, _instance_id(case),
                       user.username, text, {"case_status": case.status})
    return case


def resume_case(session: Session, settings: Settings, clock: Clock, case_id: int | str,
                username: str, reason: str) -> TransferCase:
    """恢复: the case runs again; timers that fell due meanwhile fire at the next sweep."""
    user, case = _managed(session, case_id, username)
    iid = _instance_id(case)
    operations.resume(session, engine_config(settings), clock, iid, user.username,
                      _reason(reason))
    if case.status == "suspended":  # no open step names a status: the one it had before
        case.status = _status_before_suspension(session, iid)
    return case


def _status_before_suspension(session: Session, instance_id: int) -> str:
    changes = session.scalar(select(AuditEvent.changes).where(
        AuditEvent.instance_id == instance_id, AuditEvent.action == "instance_suspended")
        .order_by(AuditEvent.seq.desc()).limit(1)) or {}
    before = changes.get("case_status")
    return str(before) if before and before != "suspended" else "approving"


def cancel_case(session: Session, settings: Settings, clock: Clock, case_id: int | str,
                username: str, reason: str, confirmed: bool = True) -> TransferCase:
    """取消: end the case for good; the member stays where they are, a unit lock is lifted.
    *confirmed* says the manager ticked the page's confirmation (asked after the policy)."""
    user, case = _managed(session, case_id, username)
    if not confirmed:
        raise InvalidData("请勾选确认取消（取消后不可恢复）", {"confirm": "请勾选确认"})
    text = _reason(reason)
    if case.status in FINAL_STATUSES:
        raise NotAllowed(f"case {case.number} has ended ({case.status})")
    operations.cancel(session, engine_config(settings), clock, _instance_id(case),
                      user.username, text)
    case.status = case.outcome = "cancelled"
    case.outcome_note, case.ended_at = f"管理人员取消：{text}", clock.now()
    session.execute(delete(OrgLock).where(OrgLock.case_id == case.id))
    return case


def _open_task(session: Session, case: TransferCase, task_id: int) -> HumanTask:
    task = session.get(HumanTask, task_id)
    if task is None or task.instance_id != case.instance_id:
        raise NotFound(f"case {case.number} has no task {task_id}")
    if task.status != "open":
        raise Conflict(f"task {task_id} is already {task.status}")
    return task


def _lock_and_audit(session: Session, case: TransferCase, clock: Clock, actor: str,
                    action: str, task: HumanTask | None, comment: str,
                    changes: dict[str, object]) -> None:
    iid = _instance_id(case)
    # the instance row is locked first, as every step does, so chains never interleave
    session.scalar(select(Instance.id).where(Instance.id == iid).with_for_update())
    audit.append(session, chain=audit.instance_chain(iid), at=clock.now(), actor=actor,
                 action=action, instance_id=iid,
                 task_guid=task.task_guid if task else None,
                 task_spec=task.task_spec if task else None, comment=comment, changes=changes)


def release_task(session: Session, clock: Clock, case_id: int | str, task_id: int,
                 username: str, reason: str) -> HumanTask:
    """释放: a task claimed by someone goes back to its organisation's common inbox."""
    user, case = _managed(session, case_id, username)
    text = _reason(reason)
    task = _open_task(session, case, task_id)
    if task.claimed_by is None:
        raise NotAllowed(f"task {task_id} is not claimed by anyone")
    _lock_and_audit(session, case, clock, user.username, "task_released", task, text,
                    {"claimed_by": {"old": task.claimed_by, "new": None}})
    task.claimed_by = None
    return task


def remind_task(session: Session, clock: Clock, case_id: int | str, task_id: int,
                username: str, reason: str) -> Notification:
    """催办: a reminder now to the task's organisation (and role), through the outbox."""
    user, case = _managed(session, case_id, username)
    text = _reason(reason)
    task = _open_task(session, case, task_id)
    if task.assignee_org_id is None:
        raise NotAllowed(f"task {task_id} has no organisation to remind")
    now = clock.now()
    row = enqueue(session, now=now, org_id=task.assignee_org_id, role=task.role,
                  kind="manager_reminder", case_id=case.id, human_task_id=task.id,
                  subject=f"【催办】{case.number}“{task.title}”请尽快办理",
                  body=f"上级组织部门催办案件 {case.number} 的“{task.title}”：{text}",
                  dedupe_key=f"manager_reminder:{task.id}:{now.isoformat()}")
    if row is None:
        raise Conflict("刚刚已发送过催办，请稍后再试")
    _lock_and_audit(session, case, clock, user.username, "reminder_sent", task, text,
                    {"notification_id": row.id, "org_id": task.assignee_org_id})
    return row


def retry_case(session: Session, settings: Settings, clock: Clock, case_id: int | str,
               username: str) -> int:
    """重试: run the failed steps of the case again; the number of incidents resolved."""
    user, case = _managed(session, case_id, username)
    return operations.retry(session, engine_config(settings), clock, _instance_id(case),
                            user.username)


def reveal_id_number(session: Session, clock: Clock, case_id: int | str, username: str,
                     reason: str) -> str:
    """The full 公民身份号码 of the case's member for a manager who may see it (audited)."""
    user = active_user(session, username)
    case = get_case(session, case_id)
    policy.require(user, policy.Action.VIEW_FULL_ID)
    policy.require_view_case(session, user, case)
    text = _reason(reason)
    member = session.get(Member, case.member_id) if case.member_id else None
    raw = member.id_number if member else (case.letter or {}).get("member", {}).get("id_number")
    if not raw:
        raise NotFound(f"case {case.number} has no 公民身份号码")
    if case.instance_id is not None:
        _lock_and_audit(session, case, clock, user.username, "full_id_viewed", None, text,
                        {"case": case.number})
    else:
        audit.append(session, chain=audit.SYSTEM_CHAIN, at=clock.now(), actor=user.username,
                     action="full_id_viewed", comment=text, changes={"case": case.number})
    return str(raw)
