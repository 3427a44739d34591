"""notifications.enqueue_many: the same rows as enqueue, one at a time, would write."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.case import Notification
from app.services.notifications import enqueue, enqueue_many
from tests.factories import make_org

NOW = datetime(2026, 3, 10, tzinfo=UTC)


def _item(org_id: int, key: str) -> dict[str, Any]:
    return dict(org_id=org_id, kind="overdue", subject=f"主题 {key}", body="正文",
                dedupe_key=key)


def test_enqueue_many_skips_existing_and_repeated_keys(session: Session) -> None:
    org = make_org(session, "T1")
    session.flush()
    assert enqueue(session, now=NOW, **_item(org.id, "k1")) is not None
    added = enqueue_many(session, NOW, [_item(org.id, "k1"), _item(org.id, "k2"),
                                        _item(org.id, "k2"), _item(org.id, "k3")])
    assert [n.dedupe_key for n in added] == ["k2", "k3"]
    assert all(n.id is not None and n.status == "pending" for n in added)
    keys = session.scalars(select(Notification.dedupe_key).order_by(Notification.id)).all()
    assert keys == ["k1", "k2", "k3"]
    assert enqueue_many(session, NOW, []) == []
    assert enqueue_many(session, NOW, [_item(org.id, "k3")]) == []


def test_enqueue_many_cuts_subject_and_key_as_enqueue_does(session: Session) -> None:
    org = make_org(session, "T2")
    session.flush()
    long_key = "x" * 250
    item = _item(org.id, long_key) | {"subject": "长" * 400}
    (row,) = enqueue_many(session, NOW, [item])
    assert row.dedupe_key == long_key[:200] and len(row.subject) == 300
    assert enqueue(session, now=NOW, **item) is None  # the same key, cut the same way
