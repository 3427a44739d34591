"""Fixtures of the engine tests: settings on the test database, test handlers, a deploy."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import handlers
from app.config import Settings, load_settings
from app.db import session_scope
from app.engine.clock import FixedClock, parse_instant
from app.models import HumanTask
from app.services import workflow
from tests.factories import make_org, make_user

DATA = Path(__file__).resolve().parent.parent / "data"


class Recorder:
    """Test handlers: ``test/record`` remembers its calls, ``test/flaky`` fails until told."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.fail = True

    def record(self, ctx: handlers.HandlerContext, params: dict[str, Any]) -> dict[str, Any]:
        self.calls.append({"instance": ctx.instance_id, **params})
        return {"recorded": len(self.calls)}

    def flaky(self, ctx: handlers.HandlerContext, params: dict[str, Any]) -> dict[str, Any]:
        if self.fail:
            raise RuntimeError("archive service is down")
        return {"done": True}


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    rec = Recorder()
    handlers.register("test/record")(rec.record)
    handlers.register("test/flaky")(rec.flaky)
    yield rec
    handlers.unregister("test/record")
    handlers.unregister("test/flaky")


@pytest.fixture
def settings(db_url: str) -> Settings:
    return load_settings(environ={}).replace(database_url=db_url,
                                             bpmn_dir=str(DATA / "bpmn"))


def at(text: str) -> FixedClock:
    """A clock fixed at an ISO instant (Asia/Shanghai when no offset)."""
    return FixedClock(parse_instant(text))


@pytest.fixture
def deployed(engine: Engine, settings: Settings, recorder: Recorder) -> Engine:
    """Organisations A and B with operators alice and bob; every fixture diagram deployed."""
    with session_scope(engine, write=True) as s:
        a, b = make_org(s, "A"), make_org(s, "B")
        make_user(s, "alice", a)
        make_user(s, "bob", b)
        workflow.deploy(s, settings, at("2026-01-05T09:00"), workflow.bpmn_files(settings),
                        "policy")
    return engine


def open_tasks(session: Session, instance_id: int) -> list[HumanTask]:
    return list(session.scalars(select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.status == "open")
        .order_by(HumanTask.id)))


def local(dt: datetime) -> str:
    return dt.astimezone(parse_instant("2026-01-01T00:00").tzinfo).isoformat()
