"""Paper letters (介绍信): serial numbers per issuing organisation and year.

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

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.letter import LetterSerial

MIN_YEAR, MAX_YEAR = 1, 9999


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
