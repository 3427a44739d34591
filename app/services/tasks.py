"""Completing human tasks, with the rule that a user acts only for their own organisation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import policy
from app.config import Settings
from app.engine import runtime
from app.engine.clock import Clock
from app.errors import InvalidData, NotFound
from app.models.engine import HumanTask
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
    check = FORM_CHECKS.get(task.form or "")
    if check is not None and task.status == "open":
        check(session, task, data)
    return runtime.complete_task(session, engine_config(settings), clock, task_id, data,
                                 user.username)
