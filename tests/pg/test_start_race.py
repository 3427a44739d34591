"""PostgreSQL under concurrency: two simultaneous applications for one member (a double
submit, or a retry after a lost answer) open one case, never two."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, update

from app.db import session_scope
from app.errors import ZhuanjieError
from app.models import Member, TransferCase
from app.models.case import FINAL_STATUSES
from app.services.transfers import TransferRequest, start_transfer
from tests.procedures.conftest import LETTER, World, at

pytestmark = pytest.mark.parametrize("db_url", ["pg"], indirect=True)


def _race(world: World, member: str, source: str) -> list[str]:
    """Two threads apply for *member* at the same instant; their outcomes."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def start() -> None:
        req = TransferRequest(kind="intra", member=member, target_branch="CS-YL-P2-B1",
                              letter=dict(LETTER))
        barrier.wait()
        try:
            with session_scope(world.engine, write=True) as s:
                start_transfer(s, world.settings, at("2026-03-02T09:00"), req, f"sec-{source}")
            outcomes.append("ok")
        except ZhuanjieError as exc:
            outcomes.append(f"refused: {exc}")

    threads = [threading.Thread(target=start) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def _open_cases(world: World, member: str) -> int:
    with session_scope(world.engine) as s:
        return s.scalar(select(func.count()).select_from(TransferCase)
                        .join(Member, Member.id == TransferCase.member_id)
                        .where(Member.code == member,
                               TransferCase.status.not_in(FINAL_STATUSES))) or 0


def test_two_simultaneous_starts_for_one_member_open_one_case(world: World) -> None:
    for attempt in range(5):  # the race needs both checks to run before either commits
        member, source = ("M-JY", "CS-YL-JY-P1-B1") if attempt % 2 == 0 else \
            ("M-YH", "CS-YH-P1-B1")
        outcomes = _race(world, member, source)
        assert _open_cases(world, member) == 1, outcomes
        assert sorted(outcomes)[0] == "ok" and "already has an open case" in sorted(outcomes)[1]
        with session_scope(world.engine, write=True) as s:  # close it for the next round
            mid = s.scalar(select(Member.id).where(Member.code == member))
            s.execute(update(TransferCase).where(TransferCase.member_id == mid)
                      .values(status="withdrawn"))
