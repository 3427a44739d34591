"""members import (CSV and XLSX): every row checked, all or nothing, a report of rejections."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.models import Member, MemberImportRow
from app.org import read_tree
from app.org.idnumber import make_id_number
from app.services.member_import import COLUMNS
from app.services.orgs import load_tree
from tests.org_factories import ROUTING_TREE, invoke, snapshot

HEADER = list(COLUMNS)


def _id(n: int, region: str = "430104") -> str:
    return make_id_number(region, date(1980 + n % 20, 1 + n % 12, 1 + n % 28), n % 1000)


def _row(n: int, **changes: Any) -> dict[str, Any]:
    row = {"编号": f"M{n:04d}", "姓名": f"党员{n}", "性别": "男" if n % 2 else "女",
           "民族": "汉族", "出生日期": f"{1980 + n % 20}-{1 + n % 12:02d}-{1 + n % 28:02d}",
           "公民身份号码": _id(n), "党员类别": "正式党员", "所在党支部编码": "CS-YL-P1-B1",
           "入党日期": "2010-07-01", "党费交至": "2025-06", "联系电话": "13800000000"}
    row.update(changes)
    return row


def _csv(path: Path, rows: list[dict[str, Any]], header: list[str] | None = None,
         encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header or HEADER, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def tree_db(engine: Engine, cli_env: str) -> Engine:
    with Session(engine) as s:
        load_tree(s, read_tree(ROUTING_TREE))
        s.commit()
    return engine


def _count(engine: Engine) -> int:
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(Member)).scalar_one()


def test_csv_import_and_show(tree_db: Engine, tmp_path: Path) -> None:
    rows = [_row(n) for n in range(1, 6)] + [{}]  # a blank line is skipped
    result = invoke(["members", "import", str(_csv(tmp_path / "m.csv", rows))])
    assert result.exit_code == 0, result.stderr
    assert "5 members imported" in result.stdout
    assert _count(tree_db) == 5
    shown = invoke(["members", "show", "M0001", "--json"])
    data = json.loads(shown.stdout)
    assert data["id_number"] == _id(1)[:4] + "*" * 10 + _id(1)[-4:]
    assert data["branch"]["code"] == "CS-YL-P1-B1" and data["category"] == "full"
    full = json.loads(invoke(["members", "show", "M0001", "--json", "--full"]).stdout)
    assert full["id_number"] == _id(1)
    assert _id(1) not in invoke(["members", "show", "M0001"]).stdout
    with Session(tree_db) as s:  # the staging rows are gone
        assert s.execute(select(func.count()).select_from(MemberImportRow)).scalar_one() == 0


def test_rejected_rows_are_reported_and_nothing_is_written(tree_db: Engine,
                                                           tmp_path: Path) -> None:
    invoke(["members", "import", str(_csv(tmp_path / "first.csv", [_row(90)]))])
    before = snapshot(tree_db)
    bad_digit = _id(3)[:17] + ("0" if _id(3)[17] != "0" else "1")
    rows = [_row(1), _row(2), _row(3, 公民身份号码=bad_digit),
            _row(4, 所在党支部编码="NOPE"), _row(5, 所在党支部编码="CS-YL-P1"),
            _row(6, 编号="M0001"), _row(7, 公民身份号码=_id(2)), _row(8, 出生日期="1990-02-30"),
            _row(9, 编号="M0090"), _row(10, 党员类别="积极分子"), _row(11)]
    result = invoke(["members", "import", str(_csv(tmp_path / "m.csv", rows))])
    assert result.exit_code == 2
    lines = result.stdout.strip().splitlines()
    expected = {
        4: "wrong check digit", 5: "unknown branch 'NOPE'", 6: "CS-YL-P1 is a committee",
        7: "编号 M0001 repeats row 2", 8: "公民身份号码 repeats row 3", 9: "出生日期",
        10: "编号 M0090 is already in the database", 11: "党员类别 '积极分子'",
    }
    assert len(lines) == len(expected)
    for line, (row, fragment) in zip(lines, sorted(expected.items()), strict=True):
        assert line.startswith(f"row {row} ") and fragment in line, line
    assert result.stderr.strip() == (f"error: {tmp_path / 'm.csv'}: 8 of 11 rows rejected, "
                                     "nothing imported")
    assert snapshot(tree_db) == before


def test_json_report(tree_db: Engine, tmp_path: Path) -> None:
    rows = [_row(1), _row(2, 所在党支部编码="NOPE")]
    result = invoke(["members", "import", str(_csv(tmp_path / "m.csv", rows)), "--json"])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["rows"] == 2 and report["imported"] == 0
    assert report["rejected"] == [{"row": 3, "code": "M0002",
                                   "reason": "所在党支部编码: unknown branch 'NOPE'"}]
    assert _count(tree_db) == 0


def test_duplicates_across_batches(tree_db: Engine, tmp_path: Path) -> None:
    rows = [_row(n) for n in range(1, 8)] + [_row(20, 公民身份号码=_id(1))]
    path = _csv(tmp_path / "m.csv", rows)
    result = invoke(["members", "import", str(path), "--batch-size", "3", "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["rejected"][0]["reason"] == "公民身份号码 repeats row 2"
    assert _count(tree_db) == 0
    ok = invoke(["members", "import", str(_csv(tmp_path / "ok.csv", rows[:7])),
                 "--batch-size", "3"])
    assert ok.exit_code == 0 and _count(tree_db) == 7


def test_xlsx_import(tree_db: Engine, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([*HEADER, "学历"])
    for n in (1, 2):
        row = _row(n)
        row["出生日期"] = datetime.strptime(row["出生日期"], "%Y-%m-%d")
        row["入党日期"] = date(2010, 7, 1)
        row["联系电话"] = 13800000000 + n
        sheet.append([row[h] for h in HEADER] + ["本科"])
    sheet.append([None] * len(HEADER))
    sheet.append([_row(3)[h] for h in HEADER[:5]] + [1.2e17] + [_row(3)[h] for h in HEADER[6:]])
    book.save(tmp_path / "m.xlsx")
    result = invoke(["members", "import", str(tmp_path / "m.xlsx")])
    assert result.exit_code == 2
    assert result.stdout.startswith("row 5 (M0003): 公民身份号码 is stored as a number")
    assert "ignored column(s): 学历" in result.stderr
    sheet.delete_rows(4, 2)
    book.save(tmp_path / "m.xlsx")
    result = invoke(["members", "import", str(tmp_path / "m.xlsx")])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert _count(tree_db) == 2
    shown = json.loads(invoke(["members", "show", "M0002", "--json"]).stdout)
    assert shown["phone"] == "13800000002" and shown["joined_on"] == "2010-07-01"


def test_unreadable_sheets(tree_db: Engine, tmp_path: Path) -> None:
    missing = _csv(tmp_path / "m.csv", [_row(1)], header=HEADER[:5])
    result = invoke(["members", "import", str(missing)])
    assert result.exit_code == 2
    assert "lacks the column(s) 公民身份号码, 党员类别, 所在党支部编码" in result.stderr
    gbk = _csv(tmp_path / "gbk.csv", [_row(1)], encoding="gbk")
    result = invoke(["members", "import", str(gbk)])
    assert result.exit_code == 2 and "--encoding gb18030" in result.stderr
    assert invoke(["members", "import", str(gbk), "--encoding", "gb18030"]).exit_code == 0
    (tmp_path / "m.txt").write_text("x", encoding="utf-8")
    assert "only .csv and .xlsx" in invoke(["members", "import",
                                             str(tmp_path / "m.txt")]).stderr
    (tmp_path / "bad.xlsx").write_text("x", encoding="utf-8")
    assert "not a readable .xlsx" in invoke(["members", "import",
                                              str(tmp_path / "bad.xlsx")]).stderr
    mixed = _csv(tmp_path / "mixed.csv", [_row(n) for n in range(2, 5)])
    with mixed.open("ab") as fh:
        fh.write(",".join(str(v) for v in _row(5).values()).encode("gbk") + b"\r\n")
    result = invoke(["members", "import", str(mixed), "--batch-size", "2"])
    assert result.exit_code == 2 and "--encoding gb18030" in result.stderr
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    assert "is empty" in invoke(["members", "import", str(tmp_path / "empty.csv")]).stderr
    assert _count(tree_db) == 1


def test_members_in_the_tree_file_are_inserted_then_updated(engine: Engine, cli_env: str,
                                                            tmp_path: Path) -> None:
    text = Path(ROUTING_TREE).read_text(encoding="utf-8")
    member = (f"members:\n  - {{code: M1, name: 张三, gender: 男, ethnicity: 汉族, "
              f"birth_date: 1981-02-02, id_number: '{_id(1)}', category: full, "
              f"branch: CS-YL-P2-B1, joined_on: 2010-07-01, dues_paid_until: 2025-06}}\n")
    file = tmp_path / "t.yaml"
    file.write_text(text + member, encoding="utf-8")
    first = json.loads(invoke(["orgs", "load", str(file), "--json"]).stdout)
    assert first["members"] == {"created": 1, "updated": 0, "unchanged": 0}
    file.write_text(text + member.replace("CS-YL-P2-B1", "CS-YH-P1-B1"), encoding="utf-8")
    second = json.loads(invoke(["orgs", "load", str(file), "--json"]).stdout)
    assert second["members"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert json.loads(invoke(["members", "show", "M1", "--json"]).stdout)["branch"][
        "code"] == "CS-YH-P1-B1"
    clash = member.replace("code: M1", "code: M2")
    file.write_text(text + clash, encoding="utf-8")
    before = snapshot(engine)
    result = invoke(["orgs", "load", str(file)])
    assert result.exit_code == 2
    assert "member M2: 公民身份号码" in result.stderr and "belongs to member M1" in result.stderr
    assert snapshot(engine) == before
    assert invoke(["members", "show", "M9"]).stderr.strip() == "error: unknown member 'M9'"
