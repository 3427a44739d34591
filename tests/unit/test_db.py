"""The schema is created by the migrations; member rows can never be deleted (Art. 12)."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, inspect, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from app.models import Member, Org


def test_migrations_create_every_table(engine) -> None:
    from app.db import Base

    names = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= names


def test_member_row_cannot_be_deleted(engine) -> None:
    now = datetime.now(UTC)
    with Session(engine) as s:
        org = Org(code="B1", name="支部", kind="branch", path="/", depth=0)
        s.add(org)
        s.flush()
        s.add(Member(code="M1", name="张三", gender="男", ethnicity="汉族",
                     birth_date=date(1990, 1, 1), id_number="11010519491231002X",
                     category="full", branch_id=org.id, joined_on=date(2015, 7, 1),
                     dues_paid_until="2026-10", created_at=now, updated_at=now))
        s.commit()
    with Session(engine) as s, pytest.raises(DatabaseError, match="never deleted"):
        s.execute(delete(Member))
        s.commit()
    with Session(engine) as s:
        assert s.execute(text("SELECT count(*) FROM member")).scalar_one() == 1
