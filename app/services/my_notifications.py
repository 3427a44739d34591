"""A user's notifications: the reminders addressed to their organisation (and role).

Which rows are a user's is the policy's (:func:`app.policy.my_notifications`); reading one
marks it read for the organisation, as in a shared office inbox.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import policy
from app.errors import NotFound
from app.models.case import Notification, TransferCase
from app.models.user import User
from app.pii import mask_text
from app.services.api_cases import Page


def notification_json(row: Notification, case_number: str | None) -> dict[str, Any]:
    """A notification as the API shows it (personal data in the text masked)."""
    return {"id": row.id, "kind": row.kind, "subject": mask_text(row.subject),
            "body": mask_text(row.body), "case": case_number, "task_id": row.human_task_id,
            "role": row.role, "created_at": row.created_at.isoformat(),
            "read_at": row.read_at.isoformat() if row.read_at else None}


def list_notifications(session: Session, user: User, unread: bool | None = None,
                       page: int = 1, per_page: int = 20) -> Page:
    """*user*'s notifications, newest first; *unread* True/False narrows to (un)read ones."""
    policy.require(user, policy.Action.VIEW_NOTIFICATIONS)
    condition = policy.my_notifications(user)
    if unread is True:
        condition = condition & Notification.read_at.is_(None)
    elif unread is False:
        condition = condition & Notification.read_at.is_not(None)
    total = session.scalar(select(func.count()).select_from(Notification)
                           .where(condition)) or 0
    rows = session.execute(
        select(Notification, TransferCase.number)
        .outerjoin(TransferCase, TransferCase.id == Notification.case_id)
        .where(condition).order_by(Notification.id.desc())
        .offset((page - 1) * per_page).limit(per_page)).all()
    return Page([notification_json(n, number) for n, number in rows], page, per_page,
                int(total))


def mark_read(session: Session, user: User, notification_id: int,
              now: datetime) -> dict[str, Any]:
    """Mark one of *user*'s notifications read (the first reading's time is kept)."""
    row = session.get(Notification, notification_id)
    if row is None:
        raise NotFound(f"no notification {notification_id}")
    policy.require_notification(user, row)
    if row.read_at is None:
        row.read_at = now
    number = session.scalar(select(TransferCase.number).where(
        TransferCase.id == row.case_id)) if row.case_id else None
    return notification_json(row, number)
