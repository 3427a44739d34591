"""Whole-year notices: parsing and validation of the YAML policy staff enter."""

from datetime import date
from pathlib import Path

import pytest

from app.workcal import NoticeError, load_notice_file, parse_notice

GOOD = """
year: 2027
source: 国办发明电〔2026〕1号
holidays:
  - {name: 元旦, from: 2027-01-01, to: 2027-01-03}
  - {name: 春节, from: "2027-02-05", to: 2027-02-12}
workdays:
  - 2027-02-20
  - {date: 2027-02-21, name: 春节}
"""


def test_good_notice(tmp_path: Path) -> None:
    path = tmp_path / "2027.yaml"
    path.write_text(GOOD, encoding="utf-8")
    notice = load_notice_file(path)
    assert notice.year == 2027
    assert notice.source == "国办发明电〔2026〕1号"
    assert len(notice.holidays) == 3 + 8
    assert notice.holidays[date(2027, 2, 5)] == "春节"
    assert dict(notice.workdays) == {date(2027, 2, 20): "调休上班",
                                     date(2027, 2, 21): "春节调休上班"}


def _base() -> dict:
    return {"year": 2027, "holidays": [{"name": "元旦", "from": date(2027, 1, 1),
                                        "to": date(2027, 1, 1)}]}


@pytest.mark.parametrize(("change", "message"), [
    ({"year": "2027"}, "expected a year"),
    ({"year": 2100}, "outside the supported range"),
    ({"holidays": [{"name": "元旦", "from": date(2026, 12, 31), "to": date(2027, 1, 1)}]},
     "not in the notice's year 2027"),
    ({"holidays": [{"name": "元旦", "from": date(2027, 1, 3), "to": date(2027, 1, 1)}]},
     "after"),
    ({"holidays": [{"name": " ", "from": date(2027, 1, 1), "to": date(2027, 1, 1)}]},
     "name is required"),
    ({"holidays": [{"from": date(2027, 1, 1), "to": date(2027, 1, 1)}]}, "keys name, from"),
    ({"holidays": [{"name": "a", "from": date(2027, 1, 1), "to": date(2027, 1, 2)},
                   {"name": "b", "from": date(2027, 1, 2), "to": date(2027, 1, 2)}]},
     "already a holiday"),
    ({"workdays": [date(2027, 1, 1)]}, "both a holiday and an adjusted working day"),
    ({"workdays": ["2027-02-30"]}, "not a date"),
    ({"workdays": ["20270220"]}, "not a date"),
    ({"workdays": ["2027-W07-6"]}, "not a date"),
    ({"workdays": [date(2027, 2, 20), "2027-02-20"]}, "listed twice"),
    ({"holiday": []}, "unknown key"),
    ({"holidays": None}, "expected a list"),
])
def test_bad_notices(change: dict, message: str) -> None:
    data = _base() | change
    with pytest.raises(NoticeError, match=message):
        parse_notice(data)


def test_year_must_match() -> None:
    with pytest.raises(NoticeError, match="for 2027, not 2028"):
        parse_notice(_base(), year=2028)


def test_holidays_are_required() -> None:
    with pytest.raises(NoticeError, match="holidays: required"):
        parse_notice({"year": 2027})


def test_not_a_mapping_and_bad_yaml(tmp_path: Path) -> None:
    path = tmp_path / "n.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(NoticeError, match="mapping"):
        load_notice_file(path)
    path.write_text("year: [2027\n", encoding="utf-8")
    with pytest.raises(NoticeError, match="not valid YAML"):
        load_notice_file(path)
    with pytest.raises(NoticeError, match="cannot read"):
        load_notice_file(tmp_path / "missing.yaml")
