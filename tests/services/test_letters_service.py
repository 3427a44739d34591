"""Letter serial numbers (one gapless sequence per issuer and year) and letter data."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import session_scope
from app.models import Member, Org
from app.services.letters import (
    LetterDestination,
    allocate_serial,
    last_serial,
    letter_data_for_member,
    member_form_data,
)


def _orgs(engine: Engine, count: int) -> list[int]:
    with session_scope(engine) as s:
        orgs = [Org(code=f"C{i}", name=f"委员会{i}", kind="committee") for i in range(count)]
        s.add_all(orgs)
        s.flush()
        return [o.id for o in orgs]


def _take(engine: Engine, org_id: int, year: int) -> int:
    with session_scope(engine) as s:
        return allocate_serial(s, org_id, year)


def test_numbers_run_one_two_three(engine: Engine) -> None:
    (org,) = _orgs(engine, 1)
    assert [_take(engine, org, 2026) for _ in range(5)] == [1, 2, 3, 4, 5]
    with Session(engine) as s:
        assert last_serial(s, org, 2026) == 5


def test_each_org_and_year_has_its_own_sequence(engine: Engine) -> None:
    a, b = _orgs(engine, 2)
    assert _take(engine, a, 2026) == 1
    assert _take(engine, a, 2026) == 2
    assert _take(engine, b, 2026) == 1
    assert _take(engine, a, 2027) == 1
    assert _take(engine, a, 2026) == 3
    assert _take(engine, b, 2027) == 1
    with Session(engine) as s:
        assert last_serial(s, a, 2026) == 3
        assert last_serial(s, b, 2026) == 1
        assert last_serial(s, b, 2025) == 0


def test_several_numbers_in_one_transaction(engine: Engine) -> None:
    (org,) = _orgs(engine, 1)
    with session_scope(engine) as s:
        assert [allocate_serial(s, org, 2026) for _ in range(3)] == [1, 2, 3]
    assert _take(engine, org, 2026) == 4


def test_rolled_back_number_is_given_again(engine: Engine) -> None:
    (org,) = _orgs(engine, 1)
    assert _take(engine, org, 2026) == 1
    with Session(engine) as s:
        assert allocate_serial(s, org, 2026) == 2
        s.rollback()
    with Session(engine) as s:
        assert allocate_serial(s, org, 2026) == 2  # the first number of a new year's row too
        assert allocate_serial(s, org, 2030) == 1
        s.rollback()
    assert _take(engine, org, 2026) == 2
    assert _take(engine, org, 2030) == 1


def test_unknown_org_is_refused(engine: Engine) -> None:
    with Session(engine) as s, pytest.raises(IntegrityError):
        allocate_serial(s, 999_999, 2026)
        s.flush()


@pytest.mark.parametrize("year", [0, 10000, -1])
def test_bad_year_is_refused(engine: Engine, year: int) -> None:
    (org,) = _orgs(engine, 1)
    with Session(engine) as s, pytest.raises(ValueError, match="year"):
        allocate_serial(s, org, year)


def _run_threads(count: int, work: Callable[[int], None]) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def runner(index: int) -> None:
        try:
            start.wait()
            work(index)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


@pytest.mark.pg
def test_concurrent_allocations_have_no_gaps_or_duplicates(engine: Engine) -> None:
    """8 threads × 25 transactions, each on its own connection, as separate processes would."""
    (org,) = _orgs(engine, 1)
    taken: list[int] = []
    lock = threading.Lock()

    def work(_index: int) -> None:
        for _ in range(25):
            number = _take(engine, org, 2026)
            with lock:
                taken.append(number)

    _run_threads(8, work)
    assert sorted(taken) == list(range(1, 201))
    with Session(engine) as s:
        assert last_serial(s, org, 2026) == 200


@pytest.mark.pg
def test_concurrent_rollbacks_leave_no_gap(engine: Engine) -> None:
    """Every fifth transaction rolls back: the committed numbers are still 1..N."""
    (org,) = _orgs(engine, 1)
    committed: list[int] = []
    lock = threading.Lock()

    def work(_index: int) -> None:
        for i in range(25):
            with Session(engine) as s:
                number = allocate_serial(s, org, 2026)
                if i % 5 == 4:
                    s.rollback()
                    continue
                s.commit()
            with lock:
                committed.append(number)

    _run_threads(8, work)
    assert len(committed) == 160
    assert sorted(committed) == list(range(1, 161))


def _member(engine: Engine) -> tuple[int, int]:
    """A member in a branch, and the organisation department that issues the letter."""
    now = datetime.now(UTC)
    with session_scope(engine) as s:
        dept = Org(code="D1", name="中共长沙市岳麓区委组织部", kind="county_dept")
        branch = Org(code="B1", name="中共某某街道第一支部委员会", kind="branch")
        s.add_all([dept, branch])
        s.flush()
        member = Member(code="M1", name="王五", gender="女", ethnicity="苗族",
                        birth_date=date(1990, 11, 27), id_number="430102199011271234",
                        category="probationary", branch_id=branch.id,
                        joined_on=date(2025, 7, 1), dues_paid_until="2026-10",
                        phone="13900001111", created_at=now, updated_at=now)
        s.add(member)
        s.flush()
        return member.id, dept.id


def test_letter_data_comes_from_the_member_record(engine: Engine) -> None:
    member_id, dept_id = _member(engine)
    with session_scope(engine) as s:
        number = allocate_serial(s, dept_id, 2026)
        data = letter_data_for_member(
            s, member_id, issuer_org_id=dept_id, serial_number=number,
            issued_on=date(2026, 11, 26),
            destination=LetterDestination("中共某某委员会", "湖北省", "武汉市某路1号"),
            validity_days=30, contact_phone="0731-88880000", reason="工作调动",
            archive_handling="with_letter",
        )
    assert data.serial == "〔2026〕第 1 号"
    assert (data.member_name, data.gender, data.ethnicity, data.age) == ("王五", "女", "苗族", 35)
    assert data.category_label == "预备党员" and data.dues_paid_until == "2026-10"
    assert data.from_org_name == "中共某某街道第一支部委员会"
    assert data.destination == "湖北省中共某某委员会"
    assert data.issuer_org_name == "中共长沙市岳麓区委组织部"
    assert data.member_phone == "13900001111"


def test_member_form_data_comes_from_the_member_record(engine: Engine) -> None:
    member_id, dept_id = _member(engine)
    with Session(engine) as s:
        form = member_form_data(s, member_id, issuer_org_id=dept_id,
                                filled_on=date(2026, 11, 26), letter_serial="〔2026〕第 1 号")
        with pytest.raises(LookupError, match="member"):
            member_form_data(s, 999_999, issuer_org_id=dept_id, filled_on=date(2026, 11, 26))
        with pytest.raises(LookupError, match="organisation"):
            member_form_data(s, member_id, issuer_org_id=999_999, filled_on=date(2026, 11, 26))
    assert form.id_number == "430102199011271234"
    assert form.joined_on == date(2025, 7, 1) and form.birth_date == date(1990, 11, 27)
    assert form.branch_name == "中共某某街道第一支部委员会"
    assert form.letter_serial == "〔2026〕第 1 号"
