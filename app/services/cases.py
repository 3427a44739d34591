"""Cases: their status as the workflow moves, withdrawal, and the detail view.

The status of a running case follows its open human tasks (each task's ``stage`` property);
when several are open the most pressing wins (STAGE_PRIORITY). A final status is set by the
diagram (``case/close``) or by an action here (withdraw), and is never overwritten.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app import policy
from app.config import Settings
from app.engine import operations
from app.engine.clock import Clock
from app.errors import InvalidData, NotAllowed, NotFound
from app.models.case import (
    CASE_KINDS,
    CASE_STATUSES,
    FINAL_STATUSES,
    STAGE_PRIORITY,
    Letter,
    OrgLock,
    TransferCase,
)
from app.models.engine import HumanTask, Instance
from app.models.member import Member
from app.models.org import Org
from app.services.actors import active_user


def project_case(session: Session, instance: Instance, now: datetime) -> None:
    """Bring the case of *instance* up to date with its open tasks (the engine's after-step)."""
    # the case and the stages of the instance's open tasks in one query (a row per open task)
    rows = session.execute(
        select(TransferCase, HumanTask.stage)
        .outerjoin(HumanTask, (HumanTask.instance_id == TransferCase.instance_id)
                   & (HumanTask.status == "open"))
        .where(TransferCase.instance_id == instance.id)).all()
    if not rows:
        return
    case = rows[0][0]
    # the step's new tasks learn their case (read by the dashboard; see HumanTask.case_id)
    session.execute(update(HumanTask).where(HumanTask.instance_id == instance.id,
                                            HumanTask.case_id.is_(None))
                    .values(case_id=case.id).execution_options(synchronize_session=False))
    case.updated_at = now
    if case.status in FINAL_STATUSES:
        return
    if instance.status == "cancelled":
        case.status = case.outcome = case.outcome or "cancelled"
        case.ended_at = case.ended_at or now
        return
    if instance.status == "suspended":  # a manager stopped it (app.services.case_actions)
        case.status = "suspended"
        return
    stages = {stage for _, stage in rows}
    for stage in STAGE_PRIORITY:
        if stage in stages:
            case.status = stage
            return


def get_case(session: Session, case_id: int | str) -> TransferCase:
    """A case by id or by number."""
    if isinstance(case_id, str) and not case_id.isdigit():
        case = session.scalar(select(TransferCase).where(TransferCase.number == case_id))
    else:
        case = session.get(TransferCase, int(case_id))
    if case is None:
        raise NotFound(f"no case {case_id}")
    return case


def withdraw(session: Session, settings: Settings, clock: Clock, case_id: int | str,
             username: str, reason: str) -> TransferCase:
    """撤销: the initiator ends the case before reception; the member stays where they are."""
    from app.services.workflow import engine_config

    user = active_user(session, username)
    case = get_case(session, case_id)
    policy.require_at(user, policy.Action.WITHDRAW, case.initiator_org_id)
    if case.instance_id is not None:
        # the instance row first, as every step locks it, then the case read again: a
        # receipt (落地) committed meanwhile is seen, and withdraw and receipt never deadlock
        session.scalar(select(Instance.id).where(Instance.id == case.instance_id)
                       .with_for_update())
        session.refresh(case)
    if case.status in FINAL_STATUSES or case.landed_at is not None:
        raise NotAllowed(f"case {case.number} can no longer be withdrawn ({case.status})")
    if not reason.strip():
        raise InvalidData("请填写撤销理由", {"reason": "必填"})
    if case.instance_id is None:
        raise NotAllowed(f"case {case.number} has no running workflow")
    case.status = case.outcome = "withdrawn"
    case.outcome_note, case.ended_at = reason.strip()[:2000], clock.now()
    session.execute(delete(OrgLock).where(OrgLock.case_id == case.id))
    operations.cancel(session, engine_config(settings), clock, case.instance_id,
                      user.username, f"撤销：{reason.strip()}")
    return case


def _org_codes(session: Session, ids: list[int | None]) -> dict[int, tuple[str, str]]:
    wanted = [i for i in ids if i is not None]
    rows = session.execute(select(Org.id, Org.code, Org.name).where(Org.id.in_(wanted)))
    return {r.id: (r.code, r.name) for r in rows}


def _levels(session: Session, case: TransferCase, orgs: dict[str, str]) -> list[dict[str, Any]]:
    """The route as a progress line: each organisation with its tasks' state and times."""
    tasks = session.scalars(select(HumanTask).where(HumanTask.instance_id == case.instance_id)
                            .order_by(HumanTask.id)).all()
    org_ids = {t.assignee_org_id for t in tasks}
    names = _org_codes(session, list(org_ids))
    result = []
    for t in tasks:
        code, name = names.get(t.assignee_org_id or 0, ("?", "?"))
        result.append({"task_id": t.id, "task": t.task_spec, "title": t.title, "org": code,
                       "org_name": name, "status": t.status, "stage": t.stage,
                       "created_at": t.created_at.isoformat(),
                       "due_at": t.due_at.isoformat() if t.due_at else None,
                       "overdue": t.overdue, "provisional": t.due_provisional,
                       "completed_at": t.completed_at.isoformat() if t.completed_at else None,
                       "completed_by": t.completed_by, "decision": t.decision,
                       "reason_code": t.reason_code, "comment": t.comment})
    return result


def case_detail(session: Session, case_id: int | str) -> dict[str, Any]:
    """Everything `zhuanjie cases show` prints: kind, status, route, steps, letters."""
    case = get_case(session, case_id)
    member = session.get(Member, case.member_id) if case.member_id else None
    ids = [case.from_org_id, case.to_org_id, case.initiator_org_id, case.receiver_org_id,
           case.unit_org_id]
    names = _org_codes(session, ids)
    letters = session.scalars(select(Letter).where(Letter.case_id == case.id)
                              .order_by(Letter.id)).all()
    steps = _levels(session, case, {}) if case.instance_id else []
    return {
        "id": case.id, "number": case.number, "kind": case.kind,
        "kind_label": CASE_KINDS[case.kind], "status": case.status,
        "status_label": CASE_STATUSES.get(case.status, case.status),
        "member": {"code": member.code, "name": member.name, "status": member.status}
        if member else None,
        "from": names.get(case.from_org_id, (None,))[0],
        "to": names.get(case.to_org_id or 0, (None,))[0],
        "route": case.route, "destination": case.destination,
        "instance_id": case.instance_id, "created_at": case.created_at.isoformat(),
        "created_by": case.created_by,
        "landed_at": case.landed_at.isoformat() if case.landed_at else None,
        "reported_at": case.reported_at.isoformat() if case.reported_at else None,
        "ended_at": case.ended_at.isoformat() if case.ended_at else None,
        "outcome_note": case.outcome_note,
        "steps": steps,
        "open_tasks": [s for s in steps if s["status"] == "open"],
        "overdue": any(s["overdue"] for s in steps if s["status"] == "open"),
        "letters": [{"id": x.id, "kind": x.kind, "serial": x.serial, "year": x.year,
                     "issued_at": x.issued_at.isoformat(),
                     "valid_until": x.valid_until.isoformat() if x.valid_until else None,
                     "receipt_due": x.receipt_due.isoformat() if x.receipt_due else None,
                     "receipt_received_on": x.receipt_received_on.isoformat()
                     if x.receipt_received_on else None} for x in letters],
    }
