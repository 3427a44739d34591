"""Timing of the managers' views on many generated cases (not a test: it asserts nothing).

    .venv/bin/python -m bench.manager_views --db sqlite:///var/bench-managers.db --cases 100000
    .venv/bin/python -m bench.manager_views --db postgresql+psycopg://postgres@127.0.0.1/bench

The first run migrates the database, loads the demo tree, deploys bpmn/ and writes the
cases (tests/casegen.py, seeded); later runs reuse them. Each view is run three times and
the median is printed, for the province manager (mgr-hn) and a city manager (mgr-cs).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, text

from app.config import load_settings
from app.db import make_engine, session_scope
from app.engine.clock import SHANGHAI, FixedClock
from app.migrate import upgrade
from app.models import Deployment, TransferCase, User
from app.org.loader import read_tree
from app.services import case_query, dashboard, heatmap, workflow
from app.services.calendar import current_calendar
from app.services.case_filters import CaseFilter
from app.services.dashboard_tables import tables
from app.services.demo import load_demo
from tests.casegen import insert_cases, random_cases

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)


def _prepare(url: str, cases: int) -> Any:
    upgrade(url)
    engine = make_engine(url)
    settings = load_settings(environ={}).replace(database_url=url)
    with session_scope(engine, write=True) as s:
        if not s.scalar(select(func.count()).select_from(Deployment)):
            path = str(settings.path(settings.demo_file))
            load_demo(s, read_tree(path), path)
            workflow.deploy(s, settings, FixedClock(NOW), workflow.bpmn_files(settings),
                            "bench", "bench")
    with session_scope(engine) as s:
        have = s.scalar(select(func.count()).select_from(TransferCase)) or 0
    if have < cases:
        started = time.perf_counter()
        with session_scope(engine, write=True) as s:
            cal = current_calendar(s)
            insert_cases(s, random_cases(s, cases - have, seed=7 + have, first=date(2025, 1, 1),
                                         now=NOW, cal=cal))
        print(f"wrote {cases - have} cases in {time.perf_counter() - started:.0f} s")
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return engine


def _time(label: str, fn: Callable[[], Any]) -> None:
    runs, result = [], None
    for _ in range(3):
        started = time.perf_counter()
        result = fn()
        runs.append((time.perf_counter() - started) * 1000)
    size = len(result) if isinstance(result, (list, dict)) else result
    print(f"  {label:<52} {statistics.median(runs):8.0f} ms   ({size})")


def _views(s: Any, user: User) -> list[tuple[str, Callable[[], Any]]]:
    march = dict(late_from=date(2026, 10, 1), late_to=date(2026, 10, 31))
    page = case_query.list_cases
    scope = dashboard.scope_for(s, user, None, date(2026, 10, 1), date(2026, 10, 31))
    dep = s.scalar(select(Deployment.id).where(Deployment.process_id == "intra_province"))
    return [
        ("list, first page (newest first)", lambda: page(s, user, CaseFilter(), NOW).total),
        ("list, page 40", lambda: len(page(s, user, CaseFilter(), NOW, 40).rows)),
        ("list, open and overdue now", lambda: page(s, user, CaseFilter(overdue=True,
                                                                        status="open"),
                                                   NOW).total),
        ("list, sorted by due time", lambda: page(s, user, CaseFilter(sort="due"), NOW).total),
        ("list, member name contains 党员0012", lambda: page(s, user, CaseFilter(q="党员0012"),
                                                             NOW).total),
        ("list, created in October", lambda: page(s, user, CaseFilter(
            created_from=date(2026, 10, 1), created_to=date(2026, 10, 31)), NOW).total),
        ("list, late in October (drill-down)", lambda: page(s, user, CaseFilter(**march),
                                                           NOW).total),
        ("dashboard, all five figures", lambda: tables(s, user, scope, NOW)),
        ("heatmap of intra_province", lambda: heatmap.heatmap(s, user, dep, scope, NOW)),
        ("export, 10,000 rows", lambda: sum(1 for _ in zip(range(10_000), case_query.iter_cases(
            s, user, CaseFilter(), NOW), strict=False))),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    engine = _prepare(args.db, args.cases)
    with session_scope(engine) as s:
        total = s.scalar(select(func.count()).select_from(TransferCase))
        print(f"{engine.dialect.name}: {total} cases")
        for username in ("mgr-hn", "mgr-cs"):
            user = s.scalar(select(User).where(User.username == username))
            print(f"{username}:")
            for label, fn in _views(s, user):
                _time(label, fn)


if __name__ == "__main__":
    main()
