"""The notifications an organisation receives (the outbox rows addressed to it), as the
header's unread count and the notification page read and mark them.

A notification is addressed to an organisation and optionally one role (which rows are a
user's is app.policy.my_notifications); every user of that organisation with that role sees
it, and marking it read marks it for all of them (the reminder concerns the organisation's
work, not one person).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from math import ceil

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from app import policy
from app.models.case import Notification, TransferCase
from app.models.user import User

KIND_LABELS = {"overdue": "超期提醒", "receipt_overdue": "回执逾期"}


@dataclass(frozen=True)
class NotificationRow:
    """One notification with the number of its case."""

    id: int
    created_at: datetime
    kind_label: str
    subject: str
    body: str
    case_id: int | None
    case_number: str | None
    read_at: datetime | None


@dataclass(frozen=True)
class NotificationPage:
    """One page of the organisation's notifications, newest first."""

    rows: list[NotificationRow]
    total: int
    unread: int
    page: int
    pages: int


def _mine(user: User) -> ColumnElement[bool]:
    return policy.my_notifications(user)


def unread_count(session: Session, user: User) -> int:
    """How many notifications of *user*'s organisation (and role) are unread."""
    return int(session.scalar(select(func.count(Notification.id)).where(
        _mine(user), Notification.read_at.is_(None))) or 0)


def notifications_page(session: Session, user: User, page: int = 1,
                       page_size: int = 20) -> NotificationPage:
    """The organisation's notifications, unread first, then newest first."""
    total = int(session.scalar(select(func.count(Notification.id)).where(_mine(user))) or 0)
    pages = max(ceil(total / page_size), 1)
    page = min(max(page, 1), pages)
    rows = session.execute(
        select(Notification, TransferCase.number)
        .outerjoin(TransferCase, TransferCase.id == Notification.case_id)
        .where(_mine(user))
        .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(),
                  Notification.id.desc())
        .limit(page_size).offset((page - 1) * page_size)).all()
    return NotificationPage(
        rows=[NotificationRow(n.id, n.created_at, KIND_LABELS.get(n.kind, "通知"), n.subject,
                              n.body, n.case_id, number, n.read_at) for n, number in rows],
        total=total, unread=unread_count(session, user), page=page, pages=pages)


def mark_read(session: Session, user: User, now: datetime, ids: list[int] | None = None) -> int:
    """Mark the organisation's unread notifications *ids* (all when None) read; how many.
    Naming a notification addressed to someone else is refused (app.policy)."""
    policy.require(user, policy.Action.VIEW_NOTIFICATIONS)
    for row in session.scalars(select(Notification).where(Notification.id.in_(ids or []))):
        policy.require_notification(user, row)
    stmt = update(Notification).where(_mine(user), Notification.read_at.is_(None))
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(ids))
    result = session.execute(stmt.values(read_at=now).execution_options(
        synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)
