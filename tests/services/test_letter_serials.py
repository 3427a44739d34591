"""Letter serial numbers: one gapless sequence per issuing organisation and year."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import session_scope
from app.models import Org
from app.services.letters import allocate_serial, last_serial


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
