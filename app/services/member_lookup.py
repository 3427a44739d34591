"""The members' own progress lookup (/progress): a case number and the last six characters
of the member's 公民身份号码 show where the transfer stands — nothing more.

Limits (:func:`app.services.throttle.progress_limits`): lookups per address, and failed
lookups per case number, so that the six characters cannot be guessed from many addresses
either. A wrong number and a wrong id answer the same, so the lookup tells nobody which
case numbers exist.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import Settings
from app.models.case import CASE_KINDS, CASE_STATUSES, TransferCase
from app.models.engine import HumanTask
from app.models.member import Member
from app.models.org import Org
from app.services import throttle


@dataclass(frozen=True)
class LookupResult:
    """The case's progress, or nothing (``found`` False), or a wait in seconds."""

    found: bool
    wait: int = 0
    progress: dict[str, Any] = field(default_factory=dict)


def _id_number(session: Session, case: TransferCase) -> str | None:
    if case.member_id is not None:
        return session.scalar(select(Member.id_number).where(Member.id == case.member_id))
    member = case.letter.get("member") if isinstance(case.letter, dict) else None
    number = member.get("id_number") if isinstance(member, dict) else None
    return str(number) if number else None


def _masked_name(name: str | None) -> str:
    return (name[0] + "*" * (len(name) - 1)) if name else ""


def _progress(session: Session, case: TransferCase) -> dict[str, Any]:
    # the stage, never the task's title: titles carry the member's name
    open_steps = session.execute(
        select(HumanTask.stage, Org.name).outerjoin(Org, Org.id == HumanTask.assignee_org_id)
        .where(HumanTask.instance_id == case.instance_id, HumanTask.status == "open")
        .order_by(HumanTask.id)).all() if case.instance_id else []
    name = session.scalar(select(Member.name).where(Member.id == case.member_id)) \
        if case.member_id else None
    return {"number": case.number, "kind": CASE_KINDS.get(case.kind, case.kind),
            "status": CASE_STATUSES.get(case.status, case.status),
            "member": _masked_name(name), "created_at": case.created_at,
            "landed_at": case.landed_at, "reported_at": case.reported_at,
            "ended_at": case.ended_at,
            "now_at": [{"title": CASE_STATUSES.get(stage or "", "办理中"), "org": o or ""}
                       for stage, o in open_steps]}


def lookup(session: Session, settings: Settings, number: str, id_tail: str, ip: str,
           now: datetime) -> LookupResult:
    """Find case *number* if *id_tail* ends its member's 公民身份号码 (records the attempt)."""
    per_ip, per_case = throttle.progress_limits(settings)
    number = number.strip().upper()[:20]
    tail = id_tail.strip().upper()
    wait = max(throttle.wait_seconds(session, per_ip, ip, now),
               throttle.wait_seconds(session, per_case, number, now))
    if wait:
        throttle.record(session, per_ip, ip, "blocked", now)
        return LookupResult(False, wait)
    throttle.record(session, per_ip, ip, "lookup", now)
    case = session.scalar(select(TransferCase).where(TransferCase.number == number))
    expected = _id_number(session, case) if case is not None else None
    if case is None or expected is None or len(tail) != 6 or not hmac.compare_digest(
            expected.upper()[-6:].encode(), tail.encode()):
        throttle.record(session, per_case, number, "failure", now)
        return LookupResult(False)
    return LookupResult(True, progress=_progress(session, case))
