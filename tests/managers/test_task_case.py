"""HumanTask.case_id (read by the dashboard instead of joining every task to its case) names
the case of the task's instance for every task the engine makes, from the first step on."""

from __future__ import annotations

from sqlalchemy import select

from app.db import session_scope
from app.models import HumanTask, TransferCase
from tests.procedures.conftest import World

APPROVE = {"decision": "approve"}


def _case_ids(world: World, case: TransferCase) -> list[int | None]:
    with session_scope(world.engine) as s:
        return list(s.scalars(select(HumanTask.case_id)
                              .where(HumanTask.instance_id == case.instance_id)
                              .order_by(HumanTask.id)))


def test_every_task_of_a_case_names_it(world: World) -> None:
    case = world.start("2026-03-02T09:00", "sec-CS-YL-JY-P1-B1", kind="intra",
                       member="M-JY", target_branch="CS-YH-P1-B1")
    other = world.start("2026-03-02T09:30", "sec-CS-YL-P1-B1", kind="intra", member="M-YL",
                        target_branch="CS-YH-P1-B1")
    assert _case_ids(world, case) == [case.id]  # the first task, made by the start
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", {"decision": "initiate"})
    world.do(case, "approve", "op-CS-YL-JY", "2026-03-03T10:00", APPROVE, org="CS-YL-JY")
    made = _case_ids(world, case)
    assert len(made) >= 4 and made == [case.id] * len(made)
    assert set(_case_ids(world, other)) == {other.id}
