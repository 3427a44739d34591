"""The task page's data: suggestions of the receiving committee, submitted values, access."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.errors import Forbidden
from app.models import User
from app.services.task_view import receiving_branches, submitted_values, task_view
from tests.procedures.conftest import World, at
from tests.procedures.test_intra_province import start_cross_county


def test_branches_of_the_receiving_unit_only(world: World) -> None:
    with session_scope(world.engine) as s:
        # the community committee may not approve members: its branch belongs to CS-YL-P1
        assert receiving_branches(s, "CS-YL-P1") == [("CS-YL-P1-B1", "望月湖街道机关党支部"),
                                                     ("CS-YL-P1-V-B1", "某社区第一党支部")]
        # every branch under the county department belongs to a committee below it
        assert receiving_branches(s, "CS-YL") == []
        assert receiving_branches(s, "NOPE") == []


def test_task_view_refuses_other_organisations_and_keeps_what_was_submitted(world) -> None:
    case = start_cross_county(world)
    task = world.task(case, "initiate")
    now = at("2026-03-02T11:00").now()
    with session_scope(world.engine) as s:
        other = s.scalar(select(User).where(User.username == "op-CS-YH"))
        with pytest.raises(Forbidden):
            task_view(s, other, task.id, now)
        own = s.scalar(select(User).where(User.username == "op-CS-YL-JY-P1"))
        view = task_view(s, own, task.id, now)
        assert view.case.subject == "党员JY" and view.may_withdraw
        assert view.schema["title"] == "发起审核"
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00",
             {"decision": "initiate", "comment": "材料齐全"})
    with session_scope(world.engine) as s:
        assert submitted_values(s, world_task(s, task.id)) == {"decision": "initiate",
                                                               "comment": "材料齐全"}


def world_task(session, task_id):
    from app.models import HumanTask

    return session.get(HumanTask, task_id)
