"""members import on PostgreSQL (COPY and set-based checks) says and writes exactly what the
row-batch path on SQLite does, for the same sheets: the report, the exit status, the rows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db import dispose_engines, make_engine
from app.org import read_tree
from app.services.orgs import load_tree
from tests.conftest import _truncate_pg
from tests.org_factories import ROUTING_TREE, invoke
from tests.unit.services.test_services_member_import import _csv, _id, _row

MEMBER_ROWS = ("SELECT m.code, m.name, m.gender, m.ethnicity, m.birth_date, m.id_number, "
               "m.category, o.code, m.joined_on, m.dues_paid_until, m.phone, m.status, "
               "m.status_note FROM member m JOIN org o ON o.id = m.branch_id ORDER BY m.code")


def _bad_digit(n: int) -> str:
    number = _id(n)
    return number[:17] + ("0" if number[17] != "0" else "1")


#: Sheets imported one after the other into the same database, each (rows, batch size).
SHEETS: list[tuple[list[dict[str, Any]], int]] = [
    ([_row(n) for n in range(90, 96)], 1000),                       # accepted
    ([_row(1), _row(2), _row(3, 公民身份号码=_bad_digit(3)),         # every kind of refusal
      _row(4, 所在党支部编码="NOPE"), _row(5, 所在党支部编码="CS-YL-P1"),
      _row(6, 编号="M0001"), _row(7, 公民身份号码=_id(2)), _row(8, 出生日期="1990-02-30"),
      _row(9, 编号="M0090"), _row(10, 党员类别="积极分子"), _row(11),
      _row(12, 编号="M0091", 公民身份号码=_id(92), 所在党支部编码="O'Q"),
      _row(13, 编号="M0001", 公民身份号码=_id(1)), _row(14, 公民身份号码=_id(93)),
      _row(15, 编号=""), _row(16, 编号="M0002", 所在党支部编码="CS-YL"), {}], 3),
    ([_row(n) for n in range(20, 30)] + [_row(40, 公民身份号码=_id(21))], 4),  # across batches
    ([_row(n) for n in range(20, 30)], 2),                          # accepted after all
    ([_row(29), _row(31, 编号="M0029")], 1000),                      # both already present
]


def _run(url: str, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    monkeypatch.setenv("ZHUANJIE_DATABASE_URL", url)
    dispose_engines()
    engine = make_engine(url)
    with Session(engine) as s:
        load_tree(s, read_tree(ROUTING_TREE))
        s.commit()
    outcomes: list[Any] = []
    for n, (rows, batch) in enumerate(SHEETS):
        path = _csv(tmp / f"sheet{n}.csv", rows)
        result = invoke(["members", "import", str(path), "--json", "--batch-size", str(batch)])
        report = json.loads(result.stdout)
        report["file"] = path.name
        with engine.connect() as conn:
            # SQLite gives dates as text, PostgreSQL as dates: compare their text
            members = [tuple(None if v is None else str(v) for v in r)
                       for r in conn.execute(text(MEMBER_ROWS))]
            staged = conn.execute(text("SELECT count(*) FROM member_import_row")).scalar()
        outcomes.append((result.exit_code, report, members, staged))
    engine.dispose()
    dispose_engines()
    return outcomes


def test_postgresql_import_equals_sqlite_import(sqlite_template: Path, pg_schema_url: str,
                                               tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    lite = tmp_path / "lite.db"
    shutil.copy(sqlite_template, lite)
    pg_engine = make_engine(pg_schema_url)
    _truncate_pg(pg_engine)
    pg_engine.dispose()
    on_sqlite = _run(f"sqlite:///{lite}", tmp_path, monkeypatch)
    on_pg = _run(pg_schema_url, tmp_path, monkeypatch)
    assert [o[0] for o in on_sqlite] == [0, 2, 2, 0, 2]
    assert len(on_sqlite[1][1]["rejected"]) == 13
    assert len(on_sqlite[3][2]) == 16  # 6 + 10 members
    for lite_outcome, pg_outcome in zip(on_sqlite, on_pg, strict=True):
        assert pg_outcome == lite_outcome
