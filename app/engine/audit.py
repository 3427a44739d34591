"""The audit log: append-only events chained by SHA-256, and its verification.

Each instance has its own chain (``instance:<id>``); everything else (deployments,
calendar and user administration) goes to the ``system`` chain. An event's hash covers
its content and the previous event's hash; ``audit_head`` keeps the last hash of each
chain, so an edited, inserted or removed event — including the last one — is detected.
Appending to an instance chain happens while the instance row is locked by its update, so
chains do not interleave; the head row is updated in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.audit import AuditEvent, AuditHead

GENESIS = "0" * 64
SYSTEM_CHAIN = "system"


def instance_chain(instance_id: int) -> str:
    """The chain name of an instance's events."""
    return f"instance:{instance_id}"


def _canonical(event: AuditEvent) -> bytes:
    body = {
        "chain": event.chain, "seq": event.seq, "instance_id": event.instance_id,
        "at": event.at.isoformat(timespec="microseconds"), "actor": event.actor,
        "action": event.action, "task_guid": event.task_guid, "task_spec": event.task_spec,
        "comment": event.comment, "changes": event.changes, "prev_hash": event.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")


def event_hash(event: AuditEvent) -> str:
    """The SHA-256 of an event's content and its predecessor's hash."""
    return hashlib.sha256(_canonical(event)).hexdigest()


def append(session: Session, *, chain: str, at: datetime, actor: str, action: str,
           instance_id: int | None = None, task_guid: str | None = None,
           task_spec: str | None = None, comment: str | None = None,
           changes: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event to *chain* in the session's transaction."""
    return append_many(session, chain, [dict(
        at=at, actor=actor, action=action, instance_id=instance_id, task_guid=task_guid,
        task_spec=task_spec, comment=comment, changes=changes)])[0]


def append_many(session: Session, chain: str, events: list[dict[str, Any]]) -> list[AuditEvent]:
    """Append *events* (keyword arguments of :func:`append`) to *chain* in order.

    The chain head is locked and read once and written once, and the events are added
    together, so that one flush inserts them in one statement.
    """
    if not events:
        return []
    head = session.get(AuditHead, chain, with_for_update=True)
    if head is None:
        head = AuditHead(chain=chain, seq=0, hash=GENESIS)
        session.add(head)
    added = []
    seq, prev = head.seq, head.hash
    for ev in events:
        changes = ev.get("changes")
        if changes is not None:  # stored as JSON: make it JSON now so the hash sees it so
            changes = json.loads(json.dumps(changes, ensure_ascii=False, default=str))
        seq += 1
        event = AuditEvent(chain=chain, seq=seq, instance_id=ev.get("instance_id"),
                           at=ev["at"].astimezone(UTC), actor=ev["actor"],
                           action=ev["action"], task_guid=ev.get("task_guid"),
                           task_spec=ev.get("task_spec"), comment=ev.get("comment"),
                           changes=changes, prev_hash=prev)
        event.hash = prev = event_hash(event)
        added.append(event)
    session.add_all(added)
    head.seq, head.hash = seq, prev
    return added


@dataclass(frozen=True)
class AuditFault:
    """The first event at which a chain stops verifying."""

    chain: str
    event_id: int | None
    seq: int
    reason: str

    def __str__(self) -> str:
        where = f"event {self.event_id}" if self.event_id is not None else "chain head"
        return f"{self.chain}: {where} (seq {self.seq}): {self.reason}"


def _verify_chain(session: Session, head: AuditHead) -> AuditFault | None:
    prev, expected_seq = GENESIS, 1
    rows = session.scalars(select(AuditEvent).where(AuditEvent.chain == head.chain)
                           .order_by(AuditEvent.seq)).yield_per(1000)
    for ev in rows:
        if ev.seq != expected_seq:
            return AuditFault(head.chain, ev.id, expected_seq,
                              "an event is missing before this one")
        if ev.prev_hash != prev:
            return AuditFault(head.chain, ev.id, ev.seq, "previous-hash link broken")
        if event_hash(ev) != ev.hash:
            return AuditFault(head.chain, ev.id, ev.seq, "content was altered")
        prev, expected_seq = ev.hash, expected_seq + 1
    if head.seq != expected_seq - 1 or head.hash != prev:
        return AuditFault(head.chain, None, head.seq, "events at the end of the chain are missing")
    return None


def verify(session: Session) -> list[AuditFault]:
    """Verify every chain; one fault (the first) per broken chain, in chain order."""
    faults = []
    heads = session.scalars(select(AuditHead).order_by(AuditHead.chain)).all()
    known = {h.chain for h in heads}
    for head in heads:
        fault = _verify_chain(session, head)
        if fault:
            faults.append(fault)
    orphan = session.scalars(select(AuditEvent.chain).where(AuditEvent.chain.not_in(known))
                             .distinct()).all() if known else \
        session.scalars(select(AuditEvent.chain).distinct()).all()
    for chain in orphan:
        faults.append(AuditFault(chain, None, 0, "events without a chain head"))
    return faults
