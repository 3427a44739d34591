"""PostgreSQL under concurrency: a whole-unit transfer (Art. 6) and a member's transfer out
of that unit, applied for at the same instant, never both start."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from app.db import session_scope
from app.errors import ZhuanjieError
from app.models import TransferCase
from app.models.case import FINAL_STATUSES
from app.services.transfers import TransferRequest, start_transfer
from tests.procedures.conftest import LETTER, World, at

pytestmark = pytest.mark.parametrize("db_url", ["pg"], indirect=True)
UNIT = TransferRequest(kind="whole-unit", unit="CS-YL-P1-V", new_parent="CS-YL-P2", letter={})
MEMBER = TransferRequest(kind="intra", member="M-V", target_branch="CS-YH-P1-B1",
                         letter=dict(LETTER))


@pytest.mark.parametrize("delay", [0.0, 0.02, 0.05])
def test_unit_and_member_transfers_started_together_do_not_both_start(world: World,
                                                                        delay: float) -> None:
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def start(name: str, req: TransferRequest, who: str, wait: float) -> None:
        barrier.wait()
        time.sleep(wait)
        try:
            with session_scope(world.engine, write=True) as s:
                start_transfer(s, world.settings, at("2026-03-02T09:00"), req, who)
            outcomes[name] = "ok"
        except ZhuanjieError as exc:
            outcomes[name] = f"refused: {exc}"

    threads = [threading.Thread(target=start, args=("unit", UNIT, "op-CS-YL-P1", 0.0)),
               threading.Thread(target=start, args=("member", MEMBER, "sec-CS-YL-P1-V-B1",
                                                    delay))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with session_scope(world.engine) as s:
        opened = s.scalar(select(func.count()).select_from(TransferCase)
                          .where(TransferCase.status.not_in(FINAL_STATUSES)))
    assert opened == 1, outcomes
