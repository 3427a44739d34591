"""Completing, claiming and releasing human tasks; a user acts only for their own
organisation, and a task claimed by someone else is theirs until released."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app import policy
from app.config import Settings
from app.engine import audit, runtime
from app.engine.clock import Clock
from app.errors import Conflict, InvalidData, NotFound
from app.models.engine import HumanTask
from app.models.user import User
from app.services.actors import active_user
from app.services.workflow import engine_config


def _check_receive(session: Session, task: HumanTask, data: dict[str, Any]) -> None:
    """接收: the chosen branch must belong to the receiving committee (it may pick another)."""
    from app.models.case import TransferCase
    from app.org.facts import unit
    from app.org.tree import OrgError
    from app.services.directory import DbDirectory

    case = session.scalar(select(TransferCase).where(TransferCase.instance_id == task.instance_id))
    code = str(data.get("target_branch") or "")
    if case is None or not code:
        return
    try:
        owner = unit(DbDirectory(session), code)
    except OrgError as exc:
        raise InvalidData(f"党支部编码无效：{exc}", {"target_branch": "不是有效的党支部编码"}) \
            from exc
    if owner.code != case.route.get("receiver"):
        raise InvalidData("只能分配至本党委所属的党支部",
                          {"target_branch": f"{code} 不属于接收党委 {case.route.get('receiver')}"})


FORM_CHECKS: dict[str, Callable[[Session, HumanTask, dict[str, Any]], None]] = {
    "receive": _check_receive,
}


def complete_task(session: Session, settings: Settings, clock: Clock, task_id: int,
                  username: str, data: dict[str, Any]) -> HumanTask:
    """Complete task *task_id* as *username* with form *data*."""
    user = active_user(session, username)
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(f"task {task_id} does not exist")
    policy.require_task(user, task)
    policy.require_unclaimed_or_mine(user, task)
    check = FORM_CHECKS.get(task.form or "")
    if check is not None and task.status == "open":
        check(session, task, data)
    return runtime.complete_task(session, engine_config(settings), clock, task_id, data,
                                 user.username)


def _open_task(session: Session, task_id: int) -> HumanTask:
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(f"task {task_id} does not exist")
    return task


def _audit_claim(session: Session, task: HumanTask, actor: str, action: str,
                 now: datetime) -> None:
    from app.models.engine import Instance

    # the instance row is locked first: events of one chain never interleave
    session.scalar(select(Instance.id).where(Instance.id == task.instance_id).with_for_update())
    audit.append(session, chain=audit.instance_chain(task.instance_id), at=now, actor=actor,
                 action=action, instance_id=task.instance_id, task_guid=task.task_guid,
                 task_spec=task.task_spec)


def _claimable(session: Session, task_id: int, username: str) -> tuple[User, HumanTask]:
    """The user and the task they may claim or release: open, of their organisation."""
    user = active_user(session, username)
    task = _open_task(session, task_id)
    policy.require_claim(user, task)
    if task.status != "open":
        raise Conflict(f"task {task_id} is already {task.status}")
    return user, task


def claim_task(session: Session, task_id: int, username: str, now: datetime) -> HumanTask:
    """认领: mark an open task of the user's organisation as the user's (idempotent)."""
    user, task = _claimable(session, task_id, username)
    if task.claimed_by == user.username:
        return task
    taken = session.execute(update(HumanTask).where(
        HumanTask.id == task_id, HumanTask.claimed_by.is_(None), HumanTask.status == "open")
        .values(claimed_by=user.username))
    if getattr(taken, "rowcount", 0) != 1:  # someone claimed it between read and write
        raise Conflict(f"task {task_id} was claimed by someone else just now")
    session.refresh(task)
    _audit_claim(session, task, user.username, "task_claimed", now)
    return task


def release_task(session: Session, task_id: int, username: str, now: datetime) -> HumanTask:
    """Give a claimed task back to the organisation (only its claimer may)."""
    user, task = _claimable(session, task_id, username)
    if task.claimed_by is None:
        return task
    task.claimed_by = None
    _audit_claim(session, task, user.username, "task_released", now)
    return task
