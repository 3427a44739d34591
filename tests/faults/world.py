"""The fault run's database: created fresh, migrated, with the ROUTING.md tree, members, users
with API tokens, and the deployed procedures. Also the fixture action the run needs: bring a
waiting timer's due instant into the past (state and row together, through the engine)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url

from app.config import Settings, load_settings
from app.db import make_engine, session_scope
from app.engine import runtime
from app.engine.clock import SystemClock
from app.engine.run import Run
from app.migrate import upgrade
from app.models import Member, Org
from app.org.idnumber import make_id_number
from app.org.loader import read_tree
from app.services import workflow
from app.services.orgs import load_tree
from app.services.tokens import create_token
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]
TREE = ROOT / "tests" / "data" / "routing_tree.yaml"
# the branches members start from and move to (every pair is a valid intra transfer)
BRANCHES = ("CS-YL-P1-B1", "CS-YL-P1-V-B1", "CS-YL-P2-B1", "CS-YL-JY-P1-B1", "CS-YH-P1-B1",
            "HN-JG-SW-B1")
LETTER = {"reason": "工作调动", "contact_phone": "0731-88888888", "validity_days": 30,
          "archive_handling": "with_letter"}


@dataclass
class World:
    """The database of one fault run and what the client needs to act in it."""

    url: str
    engine: Engine
    settings: Settings
    tokens: dict[str, str]          # username → bearer secret
    members: dict[str, str]         # member code → branch code


def fresh_database(server: str, name: str) -> str:
    """DROP and CREATE database *name* on *server* (a URL without database); its URL."""
    base = make_url(server)
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def drop_database(server: str, name: str) -> None:
    """DROP database *name* (after the run, unless it is kept for inspection)."""
    admin = create_engine(make_url(server).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _users(session: Any) -> list[str]:
    names = []
    for org in session.scalars(select(Org).order_by(Org.id)):
        if org.kind == "branch":
            make_user(session, f"sec-{org.code}", org, "branch_secretary")
            names.append(f"sec-{org.code}")
        else:
            make_user(session, f"op-{org.code}", org, "operator")
            names.append(f"op-{org.code}")
    return names


def _members(session: Any, per_branch: int) -> dict[str, str]:
    orgs = {o.code: o for o in session.scalars(select(Org).where(Org.code.in_(BRANCHES)))}
    now, found, seq = datetime.now(UTC), {}, 0
    for branch in BRANCHES:
        for i in range(per_branch):
            seq += 1
            born = date(1960, 1, 1) + timedelta(days=seq * 7)
            code = f"F{seq:05d}"
            session.add(Member(code=code, name=f"党员{seq}", gender="男" if i % 2 else "女",
                               ethnicity="汉族", birth_date=born,
                               id_number=make_id_number("430104", born, seq % 1000),
                               category="full", branch_id=orgs[branch].id,
                               joined_on=date(2010, 7, 1), dues_paid_until="2026-02",
                               status="active", created_at=now, updated_at=now))
            found[code] = branch
    return found


def build(server: str, name: str, per_branch: int) -> World:
    """A fresh database *name* ready for the run."""
    url = fresh_database(server, name)
    upgrade(url)
    settings = load_settings(environ={}).replace(database_url=url)
    engine = make_engine(url)
    clock = SystemClock()
    with session_scope(engine, write=True) as s:
        load_tree(s, read_tree(TREE), str(TREE))
        s.flush()
        usernames = _users(s)
        members = _members(s, per_branch)
        workflow.deploy(s, settings, clock, workflow.bpmn_files(settings), "faults", "故障测试")
        tokens = {}
        from app.models import User

        for username in usernames:
            user = s.scalar(select(User).where(User.username == username))
            assert user is not None
            tokens[username] = create_token(s, user, "faults", 2, clock.now(), 365).secret
    return World(url, engine, settings, tokens, members)


def make_due(world: World, instance_id: int, guid: str, when: datetime) -> bool:
    """Bring one waiting timer of an instance to *when* (in the past), through the engine.

    The workflow keeps the due instant in the timer task's ``event_value`` and the row keeps
    a copy; both are changed in one locked step, as a clock jump would. The change is in the
    instance's audit chain. False when the timer is no longer waiting.
    """
    with session_scope(world.engine, write=True) as s:
        run = Run(session=s, clock=SystemClock(), actor="faults",
                  config=workflow.engine_config(world.settings))
        row, wf = runtime.load(run, instance_id)
        if row.status != "running":
            return False
        try:
            task = wf.get_task_from_id(UUID(guid))
        except Exception:  # the task left the workflow (its sub-process ended)
            return False
        value = task._get_internal_data("event_value") if task is not None else None
        if value is None or task.state != TaskState.WAITING:
            return False
        value = {**value, "next": when.isoformat()} if isinstance(value, dict) \
            else when.isoformat()
        task._set_internal_data(event_value=value)
        run.record("timer_advanced_for_test", actor="faults", task_guid=guid,
                   task_spec=task.task_spec.name, changes={"due_at": when.isoformat()})
        runtime.persist(run, row, wf)
    return True
