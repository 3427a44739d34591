"""Members in the database: written by ``orgs load`` (by code, never deleted) and shown
by ``members show``. Spreadsheet imports live in :mod:`app.services.member_import`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from app.models import Member, Org
from app.org.idnumber import mask
from app.org.records import MemberRecord
from app.org.tree import OrgError

CHUNK = 500
CATEGORY_NAMES = {"full": "正式党员", "probationary": "预备党员"}
STATUS_NAMES = {"active": "在册", "out_province": "已转出省外", "out_of_system": "已转往系统外"}
_T = TypeVar("_T")

#: Member columns that a file or a spreadsheet sets (``branch_id`` apart).
_COLUMNS = ("name", "gender", "ethnicity", "birth_date", "id_number", "category",
            "joined_on", "dues_paid_until", "phone")


class UnknownMemberError(OrgError, LookupError):
    """A member code that names no member."""

    def __init__(self, code: str) -> None:
        super().__init__(f"unknown member {code!r}")
        self.code = code


@dataclass
class MemberCounts:
    """Members created, updated and unchanged by a load."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def to_json(self) -> dict[str, int]:
        """The counts as JSON."""
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def chunks(items: Sequence[_T], size: int = CHUNK) -> Iterator[Sequence[_T]]:
    """*items* in slices of at most *size* (bounded IN lists)."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def member_values(record: MemberRecord, branch_id: int) -> dict[str, Any]:
    """The column values of *record* (without timestamps)."""
    values = {name: getattr(record, name) for name in _COLUMNS}
    values.update(code=record.code, branch_id=branch_id)
    return values


def check_members(session: Session, records: Sequence[MemberRecord]) -> list[str]:
    """Members of a file whose 公民身份号码 already belongs to another member."""
    errors: list[str] = []
    for part in chunks(records):
        owners = dict(session.execute(
            select(Member.id_number, Member.code)
            .where(Member.id_number.in_([r.id_number for r in part]))).all())
        errors.extend(
            f"member {r.code}: 公民身份号码 {mask(r.id_number)} already belongs to member "
            f"{owners[r.id_number]} in the database"
            for r in part if owners.get(r.id_number, r.code) != r.code)
    return errors


def write_members(session: Session, records: Sequence[MemberRecord],
                  branch_ids: dict[str, int], now: datetime) -> MemberCounts:
    """Insert new members and update changed ones, by code. Never deletes."""
    counts = MemberCounts()
    columns = [getattr(Member, c) for c in ("id", "code", "branch_id", *_COLUMNS)]
    for part in chunks(records):
        existing = {row.code: row for row in session.execute(
            select(*columns).where(Member.code.in_([r.code for r in part]))).all()}
        inserts, updates = [], []
        for record in part:
            values = member_values(record, branch_ids[record.branch])
            row = existing.get(record.code)
            if row is None:
                inserts.append({**values, "status": "active", "created_at": now,
                                "updated_at": now})
            elif any(getattr(row, k) != v for k, v in values.items()):
                updates.append({**values, "id": row.id, "updated_at": now})
            else:
                counts.unchanged += 1
        if inserts:
            session.execute(insert(Member), inserts)
        if updates:
            session.execute(update(Member), updates)
        counts.created += len(inserts)
        counts.updated += len(updates)
    return counts


def member_info(session: Session, code: str, full: bool = False) -> dict[str, Any]:
    """Everything ``members show`` prints; the 公民身份号码 masked unless *full*."""
    row = session.execute(select(Member, Org).join(Org, Member.branch_id == Org.id)
                          .where(Member.code == code)).first()
    if row is None:
        raise UnknownMemberError(code)
    member, branch = row
    return {
        "code": member.code, "name": member.name, "gender": member.gender,
        "ethnicity": member.ethnicity, "birth_date": member.birth_date.isoformat(),
        "id_number": member.id_number if full else mask(member.id_number),
        "category": member.category, "category_name": CATEGORY_NAMES[member.category],
        "branch": {"code": branch.code, "name": branch.name},
        "joined_on": member.joined_on.isoformat(),
        "dues_paid_until": member.dues_paid_until, "phone": member.phone,
        "status": member.status, "status_name": STATUS_NAMES.get(member.status, member.status),
        "status_note": member.status_note,
    }
