"""A small world for the procedure scenarios: the ROUTING.md tree, members, users, diagrams.

Scenarios are driven only through services, with the engine's clock given per step (as
`zhuanjie timers fire --as-of` does), so every deadline can be checked to the day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from app.config import Settings, load_settings
from app.db import session_scope
from app.engine.clock import FixedClock, parse_instant
from app.models import HumanTask, Member, Notification, Org, TransferCase
from app.org.idnumber import make_id_number
from app.org.loader import read_tree
from app.services import cases, tasks, workflow
from app.services.orgs import load_tree
from app.services.transfers import TransferRequest, start_transfer
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]
TREE = ROOT / "tests" / "data" / "routing_tree.yaml"
LETTER = {"reason": "工作调动", "contact_phone": "0731-88888888", "validity_days": 30,
          "archive_handling": "with_letter"}
MEMBERS = {  # code → branch
    "M-YL": "CS-YL-P1-B1", "M-JY": "CS-YL-JY-P1-B1", "M-YH": "CS-YH-P1-B1",
    "M-SW": "HN-JG-SW-B1", "M-V": "CS-YL-P1-V-B1", "M-P2": "CS-YL-P2-B1",
}


def at(text: str) -> FixedClock:
    """A clock at an ISO instant, read in Asia/Shanghai when it has no offset."""
    return FixedClock(parse_instant(text))


def _people(session: Any) -> None:
    orgs = {o.code: o for o in session.scalars(select(Org))}
    for org in orgs.values():
        if org.kind == "branch":
            make_user(session, f"sec-{org.code}", org, "branch_secretary")
        else:
            make_user(session, f"op-{org.code}", org, "operator")
            make_user(session, f"mgr-{org.code}", org, "manager")
    now = datetime(2026, 1, 5, tzinfo=UTC)
    for i, (code, branch) in enumerate(sorted(MEMBERS.items()), start=1):
        born = date(1985, 1, i)
        session.add(Member(code=code, name=f"党员{code[2:]}", gender="男", ethnicity="汉族",
                           birth_date=born, id_number=make_id_number("430104", born, i),
                           category="full", branch_id=orgs[branch].id,
                           joined_on=date(2010, 7, 1), dues_paid_until="2026-02",
                           status="active", created_at=now, updated_at=now))


@dataclass
class World:
    """Drives cases through the services."""

    engine: Engine
    settings: Settings

    def start(self, when: str, who: str, **request: Any) -> TransferCase:
        request.setdefault("letter", dict(LETTER))
        with session_scope(self.engine, write=True) as s:
            return start_transfer(s, self.settings, at(when), TransferRequest(**request), who)

    def task(self, case: TransferCase, spec: str, org: str | None = None) -> HumanTask:
        with session_scope(self.engine) as s:
            query = select(HumanTask).where(HumanTask.instance_id == case.instance_id,
                                            HumanTask.task_spec == spec,
                                            HumanTask.status == "open")
            if org is not None:
                query = query.join(Org, Org.id == HumanTask.assignee_org_id).where(
                    Org.code == org)
            found = s.scalars(query).all()
        assert len(found) == 1, f"expected one open {spec} task, found {len(found)}"
        return found[0]

    def do(self, case: TransferCase, spec: str, who: str, when: str,
           data: dict[str, Any] | None = None, org: str | None = None) -> HumanTask:
        task = self.task(case, spec, org)
        with session_scope(self.engine, write=True) as s:
            return tasks.complete_task(s, self.settings, at(when), task.id, who, data or {})

    def fire(self, when: str) -> Any:
        return workflow.fire_timers(self.engine, self.settings, at(when))

    def show(self, case: TransferCase) -> dict[str, Any]:
        with session_scope(self.engine) as s:
            return cases.case_detail(s, case.id)

    def open_specs(self, case: TransferCase) -> list[str]:
        return sorted(t["task"] for t in self.show(case)["open_tasks"])

    def member(self, code: str) -> Member:
        with session_scope(self.engine) as s:
            return s.scalar(select(Member).where(Member.code == code))

    def branch_of(self, code: str) -> str:
        with session_scope(self.engine) as s:
            return s.scalar(select(Org.code).join(Member, Member.branch_id == Org.id)
                            .where(Member.code == code))

    def notifications(self, case: TransferCase) -> list[tuple[str, str]]:
        with session_scope(self.engine) as s:
            rows = s.execute(select(Notification.kind, Org.code)
                             .join(Org, Org.id == Notification.org_id)
                             .where(Notification.case_id == case.id)
                             .order_by(Notification.id)).all()
        return [(k, c) for k, c in rows]


@pytest.fixture
def world(engine: Engine, db_url: str) -> World:
    settings = load_settings(environ={}).replace(database_url=db_url)
    with session_scope(engine, write=True) as s:
        load_tree(s, read_tree(TREE), str(TREE))
        s.flush()
        _people(s)
        workflow.deploy(s, settings, at("2026-01-05T09:00"), workflow.bpmn_files(settings),
                        "policy-hn", "初始版本")
    return World(engine, settings)
