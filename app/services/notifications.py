"""The notification outbox: reminders are rows first, delivered by a pluggable sender.

A reminder is written in the same transaction as the step that causes it, with a dedupe key
(e.g. ``overdue:<task id>``), so a replayed timer or a retried step never sends it twice.
The sender runs later (the scheduler) and marks each row sent or failed; the default
sender writes a log line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.case import Notification

log = logging.getLogger("zhuanjie.notify")


class Sender(Protocol):
    """Delivers one notification; raises to report a failure."""

    def send(self, notification: Notification) -> None: ...


class LogSender:
    """The default sender: one log line per notification (no personal data in it)."""

    def send(self, notification: Notification) -> None:
        log.info("notification %s to org %s (%s): %s", notification.id, notification.org_id,
                 notification.role or "any role", notification.subject)


SENDERS: dict[str, Callable[[], Sender]] = {"log": LogSender}


def enqueue(session: Session, *, now: datetime, org_id: int, kind: str, subject: str, body: str,
            dedupe_key: str, role: str | None = None, case_id: int | None = None,
            human_task_id: int | None = None) -> Notification | None:
    """Add a notification unless one with *dedupe_key* exists; the new row or None."""
    dedupe_key = dedupe_key[:200]  # as stored: a longer key is looked up as it was kept
    if session.scalar(select(Notification.id).where(Notification.dedupe_key == dedupe_key)):
        return None
    row = Notification(created_at=now, org_id=org_id, role=role, case_id=case_id,
                       human_task_id=human_task_id, kind=kind, subject=subject[:300],
                       body=body, dedupe_key=dedupe_key, status="pending", attempts=0)
    session.add(row)
    session.flush()
    return row


def enqueue_many(session: Session, now: datetime,
                 items: list[dict[str, Any]]) -> list[Notification]:
    """:func:`enqueue` for several notifications (each *item* holds enqueue's keyword
    arguments but *now*): one look-up of their dedupe keys and one flush for all; the new
    rows (an item whose key exists already, or repeats an earlier item's, adds nothing)."""
    keys = [str(item["dedupe_key"])[:200] for item in items]
    if not keys:
        return []
    seen = set(session.scalars(select(Notification.dedupe_key)
                               .where(Notification.dedupe_key.in_(keys))))
    rows = []
    for item, key in zip(items, keys, strict=True):
        if key in seen:
            continue
        seen.add(key)
        rows.append(Notification(
            created_at=now, org_id=item["org_id"], role=item.get("role"),
            case_id=item.get("case_id"), human_task_id=item.get("human_task_id"),
            kind=item["kind"], subject=str(item["subject"])[:300], body=item["body"],
            dedupe_key=key, status="pending", attempts=0))
    session.add_all(rows)
    session.flush()
    return rows


def deliver_pending(session: Session, sender: Sender, now: datetime, limit: int = 500) -> int:
    """Send pending notifications (oldest first); the number sent."""
    rows = session.scalars(select(Notification).where(Notification.status == "pending")
                           .order_by(Notification.id).limit(limit)).all()
    sent = 0
    for row in rows:
        row.attempts += 1
        try:
            sender.send(row)
        except Exception as exc:  # a failing channel must not stop the others
            row.error = f"{type(exc).__name__}: {exc}"[:1000]
            if row.attempts >= 5:
                row.status = "failed"
            continue
        row.status, row.sent_at, row.error = "sent", now, None
        sent += 1
    return sent
