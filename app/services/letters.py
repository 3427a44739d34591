"""Paper letters (介绍信): serial numbers per issuing organisation and year, and the data of
the letter and of the 党员基本信息采集表 read from a member's record.

A serial number is taken inside the caller's transaction with one atomic upsert
(``INSERT … ON CONFLICT (issuer_org_id, year) DO UPDATE SET last_number = last_number + 1
RETURNING last_number``). The counter row stays locked until the caller commits or rolls
back, so concurrent issuers wait for each other and a rolled-back letter gives its number
back: the numbers of one organisation and year run 1, 2, 3 … without gaps or duplicates.

* PostgreSQL (READ COMMITTED, the default): the conflicting row is locked by the upsert and
  re-read after the other transaction ends, so each transaction sees the committed value.
* SQLite: the upsert is a write, so it takes the database's single write lock (waiting up
  to the busy timeout) and holds it until the end of the transaction. Take the number before
  reading anything else in that transaction: SQLite cannot upgrade a read snapshot that
  another writer has overtaken and answers "database is locked" at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.letter import LetterSerial
from app.models.member import Member
from app.models.org import Org
from handlers.letters.data import LetterData, MemberFormData, age_on

MIN_YEAR, MAX_YEAR = 1, 9999


@dataclass(frozen=True)
class LetterDestination:
    """Where a letter sends the member: an organisation, and for another province its
    province and postal address."""

    org_name: str
    province: str | None = None
    address: str | None = None


def _dialect_insert(dialect: str) -> Any:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert
    raise NotImplementedError(f"letter serial numbers are not implemented on {dialect}")


def _check(issuer_org_id: int, year: int) -> None:
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year out of range: {year!r}")
    if isinstance(issuer_org_id, bool) or not isinstance(issuer_org_id, int):
        raise ValueError(f"issuer_org_id must be an int, not {issuer_org_id!r}")


def allocate_serial(session: Session, issuer_org_id: int, year: int) -> int:
    """Take the next serial number (1, 2, …) of *issuer_org_id* in *year*.

    Runs in the caller's transaction: the number is final when the caller commits and is
    given again after a rollback. An unknown organisation fails with the foreign key's
    IntegrityError.
    """
    _check(issuer_org_id, year)
    insert = _dialect_insert(session.get_bind().dialect.name)
    stmt = (
        insert(LetterSerial)
        .values(issuer_org_id=issuer_org_id, year=year, last_number=1)
        .on_conflict_do_update(
            index_elements=[LetterSerial.issuer_org_id, LetterSerial.year],
            set_={"last_number": LetterSerial.last_number + 1},
        )
        .returning(LetterSerial.last_number)
    )
    return int(session.execute(stmt).scalar_one())


def last_serial(session: Session, issuer_org_id: int, year: int) -> int:
    """The last number *issuer_org_id* took in *year*, 0 when it issued none."""
    _check(issuer_org_id, year)
    value = session.execute(
        select(LetterSerial.last_number).where(
            LetterSerial.issuer_org_id == issuer_org_id, LetterSerial.year == year
        )
    ).scalar_one_or_none()
    return int(value or 0)


def _member_and_orgs(
    session: Session, member_id: int, issuer_org_id: int
) -> tuple[Member, Org, Org]:
    member = session.get(Member, member_id)
    if member is None:
        raise LookupError(f"no member with id {member_id}")
    issuer = session.get(Org, issuer_org_id)
    if issuer is None:
        raise LookupError(f"no organisation with id {issuer_org_id}")
    branch = session.get(Org, member.branch_id)
    assert branch is not None  # the foreign key guarantees the member's branch
    return member, branch, issuer


def letter_data_for_member(
    session: Session,
    member_id: int,
    *,
    issuer_org_id: int,
    serial_number: int,
    issued_on: date,
    destination: LetterDestination,
    validity_days: int,
    contact_phone: str,
    reason: str,
    archive_handling: str,
    operator_name: str | None = None,
) -> LetterData:
    """The letter for a member from their record: age on *issued_on*, branch as origin.

    The serial number is taken beforehand with allocate_serial in the same transaction.
    """
    member, branch, issuer = _member_and_orgs(session, member_id, issuer_org_id)
    return LetterData(
        serial_number=serial_number, year=issued_on.year, member_name=member.name,
        gender=member.gender, age=age_on(member.birth_date, issued_on),
        ethnicity=member.ethnicity, id_number=member.id_number, category=member.category,
        from_org_name=branch.name, to_org_name=destination.org_name,
        to_province=destination.province, to_address=destination.address,
        dues_paid_until=member.dues_paid_until, validity_days=validity_days,
        issued_on=issued_on, issuer_org_name=issuer.name, contact_phone=contact_phone,
        reason=reason, archive_handling=archive_handling, member_phone=member.phone,
        operator_name=operator_name,
    )


def member_form_data(
    session: Session,
    member_id: int,
    *,
    issuer_org_id: int,
    filled_on: date,
    to_org_name: str | None = None,
    letter_serial: str | None = None,
) -> MemberFormData:
    """The 党员基本信息采集表 of a member from their record (fields not kept print blank)."""
    member, branch, issuer = _member_and_orgs(session, member_id, issuer_org_id)
    return MemberFormData(
        name=member.name, gender=member.gender, ethnicity=member.ethnicity,
        birth_date=member.birth_date, id_number=member.id_number, category=member.category,
        joined_on=member.joined_on, branch_name=branch.name,
        dues_paid_until=member.dues_paid_until, phone=member.phone, filled_on=filled_on,
        issuer_org_name=issuer.name, to_org_name=to_org_name, letter_serial=letter_serial,
    )
