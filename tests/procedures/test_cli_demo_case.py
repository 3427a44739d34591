"""A whole intra-province case from application to report, from the command line, on the
demo data (issue 5: "runs from the command line with the demo data")."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import cli
from app.db import dispose_engines

LETTER = json.dumps({"reason": "工作调动", "contact_phone": "0731-88880000",
                     "validity_days": 30, "archive_handling": "with_letter"})


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    mp = pytest.MonkeyPatch()
    mp.setenv("ZHUANJIE_DATABASE_URL", f"sqlite:///{path}")
    try:
        for args in (["db", "upgrade"], ["demo", "load"], ["deploy", "--as", "policy-hn"]):
            result = CliRunner().invoke(cli, args)
            assert result.exit_code == 0, result.output
    finally:
        mp.undo()
        dispose_engines()
    return path


def run(*args: str) -> dict:
    result = CliRunner().invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def complete(org: str, user: str, data: dict) -> dict:
    [task] = run("tasks", "list", "--org", org)["tasks"]
    return run("tasks", "complete", str(task["id"]), "--as", user, "--data", json.dumps(data))


def test_intra_case_from_the_command_line(demo_template: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "case.db"
    shutil.copy(demo_template, db)
    monkeypatch.setenv("ZHUANJIE_DATABASE_URL", f"sqlite:///{db}")
    dispose_engines()
    case = run("cases", "start", "intra", "--member", "M000043", "--to", "CS-YH-P1-B1",
               "--letter", LETTER, "--as", "sec-cs-yl-p1-b1")
    assert case["route"]["approvers"] == ["CS-YL", "CS-YH"]
    complete("CS-YL-P1", "op-cs-yl-p1", {"decision": "initiate"})
    complete("CS-YL", "op-cs-yl", {"decision": "approve"})
    [approve, review] = sorted(run("tasks", "list", "--org", "CS-YH")["tasks"],
                               key=lambda t: t["task"])
    run("tasks", "complete", str(approve["id"]), "--as", "op-cs-yh",
        "--data", '{"decision": "approve"}')
    run("tasks", "complete", str(review["id"]), "--as", "op-cs-yh", "--data",
        '{"result": "pass", "items_present": ["application", "full_member"]}')
    complete("CS-YH-P1", "op-cs-yh-p1", {"target_branch": "CS-YH-P1-B1",
                                         "record_checked": True})
    complete("CS-YH-P1-B1", "sec-cs-yh-p1-b1", {"reported_on": "2026-11-26"})
    shown = run("cases", "show", case["number"])
    assert shown["status"] == "completed" and shown["status_label"] == "已完成"
    member = CliRunner().invoke(cli, ["members", "show", "M000043", "--json"])
    assert json.loads(member.stdout)["branch"]["code"] == "CS-YH-P1-B1"
