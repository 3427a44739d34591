"""`zhuanjie calendar …` on SQLite and PostgreSQL: JSON shapes, entries, imports, refusals."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.cli import cli
from app.db import make_engine
from app.models import CalendarChange, CalendarDay, CalendarNotice
from app.services import calendar as svc

NOTICE = """\
year: 2027
source: 国办发明电〔2026〕1号
holidays:
  - {name: 元旦, from: 2027-01-01, to: 2027-01-03}
  - {name: 春节, from: 2027-02-05, to: 2027-02-12}
  - {name: 清明节, from: 2027-04-03, to: 2027-04-05}
  - {name: 劳动节, from: 2027-05-01, to: 2027-05-05}
  - {name: 端午节, from: 2027-06-09, to: 2027-06-09}
  - {name: 中秋节, from: 2027-09-15, to: 2027-09-15}
  - {name: 国庆节, from: 2027-10-01, to: 2027-10-07}
workdays:
  - {date: 2027-02-20, name: 春节}
  - {date: 2027-09-26, name: 国庆节}
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def run_json(*args: str) -> dict:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _rows(db_url: str) -> tuple[int, int, int]:
    engine = make_engine(db_url)
    try:
        with Session(engine) as s:
            return tuple(  # type: ignore[return-value]
                int(s.scalar(select(func.count()).select_from(m)) or 0)
                for m in (CalendarDay, CalendarNotice, CalendarChange)
            )
    finally:
        engine.dispose()


@pytest.fixture
def recompute() -> Iterator[list[int]]:
    years: list[int] = []

    def fake(session: Session, year: int) -> int:
        years.append(year)
        return 2

    svc.on_official_year(fake)
    yield years
    svc.remove_official_year_hook(fake)


def test_add_json_of_calendar_md(cli_env: str) -> None:
    assert run_json("calendar", "add", "--from", "2026-02-12", "--days", "5") == {
        "date": "2026-02-26", "due": "2026-02-27T00:00:00+08:00", "provisional": False}


def test_add_into_the_provisional_year(cli_env: str) -> None:
    assert run_json("calendar", "add", "--from", "2026-12-20", "--days", "15") == {
        "date": "2027-01-11", "due": "2027-01-12T00:00:00+08:00", "provisional": True}
    text = run("calendar", "add", "--from", "2026-12-20", "--days", "15")
    assert text.stdout.strip() == (
        "2027-01-11 (due 2027-01-12T00:00:00+08:00) — provisional: counts provisional days "
        "of 2027")


def test_is_workday_json(cli_env: str) -> None:
    assert run_json("calendar", "is-workday", "2027-02-05") == {
        "date": "2027-02-05", "workday": False, "provisional": True, "name": "春节"}
    assert run_json("calendar", "is-workday", "2026-02-14") == {
        "date": "2026-02-14", "workday": True, "provisional": False, "name": "春节调休上班"}
    assert run_json("calendar", "is-workday", "2026-03-10") == {
        "date": "2026-03-10", "workday": True, "provisional": False, "name": None}


def test_set_changes_a_later_answer(cli_env: str, recompute: list[int]) -> None:
    result = run("calendar", "set", "2026-02-25", "holiday", "--note", "停电", "--as", "alice")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "2026-02-25 set to holiday (was workday, package); 2 pending deadlines recomputed")
    assert run_json("calendar", "add", "--from", "2026-02-12", "--days", "5")["date"] == (
        "2026-02-27")
    assert recompute == [2026]
    engine = make_engine(cli_env)
    with Session(engine) as s:
        [change] = svc.changes(s)
        assert (change.actor, change.note, change.recomputed) == ("alice", "停电", 2)
    engine.dispose()


def test_default_actor_names_the_os_user(cli_env: str) -> None:
    assert run("calendar", "set", "2027-02-20", "workday").exit_code == 0
    engine = make_engine(cli_env)
    with Session(engine) as s:
        assert svc.changes(s)[0].actor.startswith("cli:")
    engine.dispose()


def test_import_year_makes_it_official(cli_env: str, recompute: list[int],
                                       tmp_path: Path) -> None:
    path = tmp_path / "2027.yaml"
    path.write_text(NOTICE, encoding="utf-8")
    assert run_json("calendar", "status", "--from-year", "2027", "--to-year", "2027") == {
        "years": [{"year": 2027, "status": "provisional", "base": "provisional",
                   "entries": 0, "source": None}]}
    result = run("calendar", "import-year", str(path), "--as", "bob")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("; 2 pending deadlines recomputed")
    assert result.stderr == ""
    assert recompute == [2027]
    status = run_json("calendar", "status", "--from-year", "2027", "--to-year", "2027")
    assert status["years"][0]["status"] == "official"
    assert status["years"][0]["source"] == "国办发明电〔2026〕1号"
    assert run_json("calendar", "add", "--from", "2026-12-20", "--days", "15")[
        "provisional"] is False
    assert run_json("calendar", "is-workday", "2027-09-26")["name"] == "国庆节调休上班"


def test_import_warns_about_missing_statutory_holidays(cli_env: str, tmp_path: Path) -> None:
    path = tmp_path / "2027.yaml"
    path.write_text(NOTICE.replace("  - {name: 端午节, from: 2027-06-09, to: 2027-06-09}\n",
                                   ""), encoding="utf-8")
    result = run("calendar", "import-year", str(path))
    assert result.exit_code == 0
    assert result.stderr.strip() == (
        "warning: the notice does not list the statutory holidays 2027-06-09 端午节")


def test_status_default_range(cli_env: str) -> None:
    years = run_json("calendar", "status")["years"]
    assert years[0] == {"year": 2004, "status": "official", "base": "official",
                        "entries": 0, "source": None}
    assert {y["year"] for y in years} >= set(range(2004, 2028))


BAD = [
    ("calendar", "add", "--from", "2026-02-30", "--days", "5"),
    ("calendar", "add", "--from", "20260212", "--days", "5"),
    ("calendar", "add", "--from", "2026-02-12", "--days", "-1"),
    ("calendar", "add", "--from", "2026-02-12", "--days", "five"),
    ("calendar", "add", "--from", "2026-02-12"),
    ("calendar", "add", "--from", "2099-12-30", "--days", "5"),
    ("calendar", "is-workday", "tomorrow"),
    ("calendar", "is-workday", "1900-06-01"),
    ("calendar", "set", "2026-10-10", "maybe"),
    ("calendar", "set", "2026-10-10"),
    ("calendar", "set", "2026-10-32", "holiday"),
    ("calendar", "set", "2026-10-10", "holiday", "--as", " "),
    ("calendar", "set", "2026-10-10", "holiday", "--note", "x" * 501),
    ("calendar", "status", "--from-year", "2030", "--to-year", "2020"),
    ("calendar", "status", "--from-year", "1800"),
    ("calendar", "import-year"),
]


@pytest.mark.parametrize("args", BAD, ids=lambda a: " ".join(a[1:])[:40])
def test_bad_input_exits_2_with_one_line(cli_env: str, recompute: list[int],
                                         args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("error: ")
    assert _rows(cli_env) == (0, 0, 0)
    assert recompute == []


@pytest.mark.parametrize(("content", "message"), [
    ("year: 2027\nholidays: [{name: 元旦, from: 2027-01-01, to: 2026-12-31}]\n", "not in"),
    ("year: 2027\nholidays: [{name: 元旦, from: 2027-01-03, to: 2027-01-01}]\n", "after"),
    ("year: 2027\nholidays: [{from: 2027-01-01, to: 2027-01-01}]\n", "name"),
    ("year: 2027\nholidays: [{name: 元旦, from: 2027-01-01, to: 2027-01-01}]\n"
     "workdays: [2027-01-01]\n", "both"),
    ("year: [2027\n", "not valid YAML"),
    ("just text\n", "mapping"),
])
def test_bad_notice_file_exits_2(cli_env: str, recompute: list[int], tmp_path: Path,
                                 content: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    result = run("calendar", "import-year", str(path))
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert message in result.stderr
    assert _rows(cli_env) == (0, 0, 0)
    assert recompute == []


def test_console_script_refuses_with_one_line(cli_env: str) -> None:
    import subprocess
    import sys

    script = Path(sys.executable).parent / "zhuanjie"
    done = subprocess.run([str(script), "calendar", "set", "2026-10-10", "maybe"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr == "error: expected workday or holiday, got 'maybe'\n"
    assert done.stdout == ""
