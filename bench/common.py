"""What the benchmark modules share: arguments, their own databases, a small world of
organisations, users and members on the ROUTING.md tree, the intra-province steps, and the
last-line JSON of the module contract (docs/benchmarks.md).

Not a test: nothing here asserts. Every module prints progress to stderr and, as its last
stdout line, ``{"figures": {...}}``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, insert, select, text
from sqlalchemy.engine import make_url

from app.config import Settings, load_settings
from app.db import make_engine, session_scope
from app.engine.clock import FixedClock, parse_instant
from app.migrate import upgrade
from app.models import HumanTask, Member, Org, TransferCase
from app.org.idnumber import make_id_number
from app.org.loader import read_tree
from app.services import tasks, workflow
from app.services.orgs import load_tree
from app.services.transfers import TransferRequest, start_transfer
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[1]
TREE = ROOT / "tests" / "data" / "routing_tree.yaml"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432"
# the intra-province case of tests/procedures: CS-YL-JY-P1-B1 → CS-YH-P1-B1,
# approvers CS-YL-JY, CS-YL, CS-YH; the archive reviewer is CS-YH
FROM_BRANCH, TARGET_BRANCH = "CS-YL-JY-P1-B1", "CS-YH-P1-B1"
LETTER = {"reason": "工作调动", "contact_phone": "0731-88888888", "validity_days": 30,
          "archive_handling": "with_letter"}
APPROVE = {"decision": "approve"}
INITIATE = {"decision": "initiate"}
SEND_BACK = {"decision": "send_back", "reason_code": "info_incorrect", "comment": "民族填写有误"}
PASS = {"result": "pass", "items_present": ["application", "political_review", "full_member"]}


def log(message: str) -> None:
    """Progress for the reader of the run (stderr: stdout's last line is the JSON)."""
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_args(doc: str | None) -> argparse.Namespace:
    """``--pg URL`` (the server, without a database) and ``--quick``."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument("--pg", default=DEFAULT_PG,
                        help="PostgreSQL server URL without a database name")
    parser.add_argument("--quick", action="store_true", help="small sizes (under a minute)")
    return parser.parse_args()


def at(instant: str) -> FixedClock:
    """A clock at an ISO instant, read in Asia/Shanghai when it has no offset."""
    return FixedClock(parse_instant(instant))


def pg_database(server: str, name: str) -> str:
    """Drop and create database *name* on *server*; its URL.

    ``ZHUANJIE_BENCH_DB_PREFIX`` (e.g. ``zj_me_``) replaces the ``zj_bench_`` prefix, so that
    two people benchmarking on one server do not drop each other's databases.
    """
    prefix = os.environ.get("ZHUANJIE_BENCH_DB_PREFIX")
    if prefix and name.startswith("zj_bench_"):
        name = prefix + name.removeprefix("zj_bench_")
    url = make_url(server)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def sqlite_database(name: str) -> str:
    """A fresh SQLite file (WAL, as the application opens it) in a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix=f"zj_bench_{name}_"))
    return f"sqlite:///{folder / 'bench.db'}"


@dataclass
class World:
    """A migrated database with the ROUTING.md tree, its users and diagrams deployed."""

    engine: Engine
    settings: Settings
    url: str

    def members(self, count: int, first: int = 1) -> list[str]:
        """Insert *count* members of the intra case's branch; their codes."""
        with session_scope(self.engine, write=True) as s:
            branch = s.scalar(select(Org.id).where(Org.code == FROM_BRANCH))
            now = datetime(2026, 1, 5, tzinfo=UTC)
            rows = [dict(code=f"B{n:07d}", name=f"党员{n}", gender="男", ethnicity="汉族",
                         birth_date=date(1980 + n % 20, 1 + n % 12, 1 + n % 28),
                         id_number=make_id_number("430104", date(1980 + n % 20, 1 + n % 12,
                                                                 1 + n % 28), n % 1000),
                         category="full", branch_id=branch, joined_on=date(2010, 7, 1),
                         dues_paid_until="2026-02", status="active", created_at=now,
                         updated_at=now) for n in range(first, first + count)]
            for i in range(0, len(rows), 1000):
                s.execute(insert(Member), rows[i:i + 1000])
        return [str(r["code"]) for r in rows]

    def start(self, member: str, when: str = "2026-03-02T09:00") -> TransferCase:
        """Start the intra-province case of *member* (CS-YL-JY-P1-B1 → CS-YH-P1-B1)."""
        req = TransferRequest(kind="intra", member=member, target_branch=TARGET_BRANCH,
                              letter=dict(LETTER))
        with session_scope(self.engine, write=True) as s:
            return start_transfer(s, self.settings, at(when), req, f"sec-{FROM_BRANCH}")

    def task(self, case: TransferCase, spec: str, org: str | None = None) -> HumanTask:
        """The one open task *spec* of *case* (at *org*)."""
        with session_scope(self.engine) as s:
            query = select(HumanTask).where(HumanTask.instance_id == case.instance_id,
                                            HumanTask.task_spec == spec,
                                            HumanTask.status == "open")
            if org is not None:
                query = query.join(Org, Org.id == HumanTask.assignee_org_id).where(
                    Org.code == org)
            found = s.scalars(query).all()
        if len(found) != 1:
            raise RuntimeError(f"expected one open {spec} task, found {len(found)}")
        return found[0]

    def do(self, case: TransferCase, spec: str, who: str, when: str,
           data: dict[str, Any], org: str | None = None) -> HumanTask:
        """Complete the open task *spec* of *case* as *who* through the services."""
        task = self.task(case, spec, org)
        with session_scope(self.engine, write=True) as s:
            return tasks.complete_task(s, self.settings, at(when), task.id, who, data)


def _people(session: Any) -> None:
    for org in session.scalars(select(Org)):
        if org.kind == "branch":
            make_user(session, f"sec-{org.code}", org, "branch_secretary")
        else:
            make_user(session, f"op-{org.code}", org, "operator")


def make_world(url: str) -> World:
    """Migrate *url* and load the tree, one user per organisation and bpmn/ (deployed)."""
    upgrade(url)
    engine = make_engine(url)
    settings = load_settings(environ={}).replace(database_url=url)
    with session_scope(engine, write=True) as s:
        load_tree(s, read_tree(TREE), str(TREE))
        s.flush()
        _people(s)
        workflow.deploy(s, settings, at("2026-01-05T09:00"), workflow.bpmn_files(settings),
                        "bench", "bench")
    return World(engine, settings, url)


def initiated(world: World, member: str, when: str = "2026-03-02T09:00") -> TransferCase:
    """An intra case started and initiated at *when*: its level-1 approval (CS-YL-JY) is
    open (due five working days later)."""
    case = world.start(member, when)
    world.do(case, "initiate", f"op-{FROM_BRANCH.rsplit('-', 1)[0]}", when, INITIATE)
    return case


def median_ms(samples: Iterable[float]) -> float:
    """The median of seconds, in milliseconds (3 decimals)."""
    return round(statistics.median(samples) * 1000, 3)


def figure(value: float, unit: str, goal: float, op: str,
           baseline: dict[str, Any] | None = None, **detail: Any) -> dict[str, Any]:
    """One figure of the module contract."""
    return {"value": value, "unit": unit, "goal": goal, "op": op, "baseline": baseline,
            "detail": detail}


def emit(figures: dict[str, dict[str, Any]]) -> None:
    """Print the contract's last stdout line."""
    print(json.dumps({"figures": figures}, ensure_ascii=False), flush=True)
