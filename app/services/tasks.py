"""Completing human tasks, with the rule that a user acts only for their own organisation."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.config import Settings
from app.engine import runtime
from app.engine.clock import Clock
from app.errors import Forbidden, NotFound
from app.models.engine import HumanTask
from app.models.user import User
from app.services.actors import active_user
from app.services.workflow import engine_config


def check_may_complete(user: User, task: HumanTask) -> None:
    """Refuse unless *user* belongs to the task's organisation and has its role."""
    if task.assignee_org_id is None or user.org_id != task.assignee_org_id:
        raise Forbidden(f"task {task.id} belongs to another organisation; "
                        f"{user.username} may not complete it")
    if task.role not in user.role_names:
        raise Forbidden(f"task {task.id} needs the role {task.role!r}; "
                        f"{user.username} does not have it")


def complete_task(session: Session, settings: Settings, clock: Clock, task_id: int,
                  username: str, data: dict[str, Any]) -> HumanTask:
    """Complete task *task_id* as *username* with form *data*."""
    user = active_user(session, username)
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(f"task {task_id} does not exist")
    check_may_complete(user, task)
    return runtime.complete_task(session, engine_config(settings), clock, task_id, data,
                                 user.username)
