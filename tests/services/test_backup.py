"""Backups: a SQLite backup taken while cases move is one consistent instant (every audit
chain verifies, every task and timer has its instance), a restored database answers the
same as the original, and the refusals are clear."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select

from app.cli import cli
from app.config import load_settings
from app.db import make_engine, session_scope
from app.engine import audit
from app.models import AuditEvent, HumanTask, Instance, Timer, TransferCase
from app.org.loader import read_tree
from app.services import backup, cases, workflow
from app.services.orgs import load_tree
from tests.procedures.conftest import TREE, World, _people, at

TABLES = (TransferCase, HumanTask, Timer, AuditEvent, Instance)


@pytest.fixture
def sqlite_world(sqlite_template: Path, tmp_path: Path) -> World:
    path = tmp_path / "live.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    settings = load_settings(environ={}).replace(database_url=url)
    engine = make_engine(url)
    with session_scope(engine, write=True) as s:
        load_tree(s, read_tree(TREE), str(TREE))
        s.flush()
        _people(s)
        workflow.deploy(s, settings, at("2026-01-05T09:00"), workflow.bpmn_files(settings),
                        "policy-hn", "初始版本")
    return World(engine, settings)


def _run_a_case(world: World, member: str, branch: str, to: str, initiator: str) -> None:
    case = world.start("2026-03-02T09:00", f"sec-{branch}", kind="intra", member=member,
                       target_branch=to)
    world.do(case, "initiate", initiator, "2026-03-02T10:00", {"decision": "initiate"})


def _snapshot(engine: Engine) -> dict[str, list[Any]]:
    with session_scope(engine) as s:
        out = {}
        for model in TABLES:
            columns = [c.key for c in model.__table__.columns if c.key != "state"]
            rows = s.execute(select(*[getattr(model, c) for c in columns])
                             .order_by(model.id)).all()
            out[model.__tablename__] = [tuple(r) for r in rows]
        return out


def test_backup_during_activity_is_consistent(sqlite_world: World, tmp_path: Path) -> None:
    world = sqlite_world
    _run_a_case(world, "M-YL", "CS-YL-P1-B1", "CS-YL-P2-B1", "op-CS-YL-P1")
    stop = threading.Event()
    errors: list[BaseException] = []

    def activity() -> None:
        try:
            moves = [("M-JY", "CS-YL-JY-P1-B1", "CS-YH-P1-B1", "op-CS-YL-JY-P1"),
                     ("M-P2", "CS-YL-P2-B1", "CS-YL-P1-B1", "op-CS-YL-P2"),
                     ("M-SW", "HN-JG-SW-B1", "CS-YH-P1-B1", "op-HN-JG-SW")]
            for move in moves:
                if stop.is_set():
                    return
                _run_a_case(world, *move)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    worker = threading.Thread(target=activity)
    worker.start()
    taken = []
    for i in range(3):
        taken.append(backup.backup(world.settings.database_url, tmp_path / f"b{i}.db"))
    stop.set()
    worker.join()
    assert errors == []
    for result in taken:
        restored = make_engine(f"sqlite:///{tmp_path / ('r-' + Path(result.path).name)}")
        backup.restore(restored.url.render_as_string(), result.path)
        with session_scope(restored) as s:
            assert audit.verify(s) == []
            instances = set(s.scalars(select(Instance.id)))
            assert set(s.scalars(select(HumanTask.instance_id))) <= instances
            assert set(s.scalars(select(Timer.instance_id))) <= instances
            assert set(s.scalars(select(TransferCase.instance_id))) <= instances
            assert s.scalar(select(TransferCase.number).where(TransferCase.id == 1))
        restored.dispose()


def test_restored_database_answers_the_same(sqlite_world: World, tmp_path: Path) -> None:
    world = sqlite_world
    _run_a_case(world, "M-JY", "CS-YL-JY-P1-B1", "CS-YH-P1-B1", "op-CS-YL-JY-P1")
    runner = CliRunner()
    env = {"ZHUANJIE_DATABASE_URL": world.settings.database_url}
    made = runner.invoke(cli, ["backup", str(tmp_path / "zj.bak"), "--json"], env=env)
    assert made.exit_code == 0, made.output
    rows = json.loads(made.output)["rows"]
    assert rows["transfer_case"] == 1 and rows["timer"] >= 1 and rows["audit_event"] > 5
    fresh = f"sqlite:///{tmp_path / 'fresh' / 'zj.db'}"
    done = runner.invoke(cli, ["restore", str(tmp_path / "zj.bak")],
                         env={"ZHUANJIE_DATABASE_URL": fresh})
    assert done.exit_code == 0, done.output
    restored = make_engine(fresh)
    assert _snapshot(restored) == _snapshot(world.engine)
    with session_scope(restored) as a, session_scope(world.engine) as b:
        assert cases.case_detail(a, 1) == cases.case_detail(b, 1)
    # the restored database goes on working: the next step of the case
    again = World(restored, world.settings.replace(database_url=fresh))
    with session_scope(restored) as s:
        case = s.get(TransferCase, 1)
    again.do(case, "approve", "op-CS-YL-JY", "2026-03-03T10:00", {"decision": "approve"},
             org="CS-YL-JY")
    assert again.task(case, "approve", org="CS-YL").status == "open"
    with session_scope(restored) as s:
        assert audit.verify(s) == []
    restored.dispose()


def test_refusals(sqlite_world: World, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"ZHUANJIE_DATABASE_URL": sqlite_world.settings.database_url}
    target = tmp_path / "x.bak"
    target.write_text("not a database")
    exists = runner.invoke(cli, ["backup", str(target)], env=env)
    assert exists.exit_code == 2 and "exists" in exists.output
    garbage = runner.invoke(cli, ["restore", str(target)], env=env)
    assert garbage.exit_code == 2 and "not a SQLite database" in garbage.output
    good = tmp_path / "good.bak"
    assert runner.invoke(cli, ["backup", str(good)], env=env).exit_code == 0
    busy = runner.invoke(cli, ["restore", str(good)], env=env)
    assert busy.exit_code == 2 and "holds data" in busy.output
    assert runner.invoke(cli, ["restore", str(good), "--force"], env=env).exit_code == 0


def test_postgresql_without_pg_dump_is_refused_clearly(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(backup.BackupError, match="pg_dump is not installed"):
        backup.backup("postgresql+psycopg://u@127.0.0.1:1/none", tmp_path / "pg.dump")
    assert not (tmp_path / "pg.dump").exists()
