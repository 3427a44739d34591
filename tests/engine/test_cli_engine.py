"""The engine's commands end to end: deploy, start, list, complete, fire, show, verify."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import update

from app.cli import cli
from app.db import dispose_engines, session_scope
from app.models import AuditEvent
from tests.engine.conftest import DATA


@pytest.fixture
def cli_db(cli_env, deployed, monkeypatch):
    monkeypatch.setenv("ZHUANJIE_BPMN_DIR", str(DATA / "bpmn"))
    dispose_engines()
    return deployed


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def run_json(*args: str) -> dict:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_case_from_the_command_line(cli_db) -> None:
    deployed = run_json("deploy", "--json")["deployed"]
    assert {d["process_id"] for d in deployed} >= {"loop_review"}
    assert not any(d["created"] for d in deployed)  # the fixture deployed the same content
    started = run_json("process", "start", "loop_review", "--as", "alice", "--json",
                       "--data", '{"first_org": "A", "second_org": "B"}')
    iid = started["id"]
    [task] = run_json("tasks", "list", "--org", "A", "--json")["tasks"]
    assert task["instance_id"] == iid and task["title"] == "初审"
    done = run_json("tasks", "complete", str(task["id"]), "--as", "alice", "--json",
                    "--data", '{"decision": "approve"}')
    assert done["status"] == "completed"
    assert [t["task"] for t in done["instance"]["open_tasks"]] == ["second"]
    shown = run_json("instances", "show", str(iid), "--json")
    assert shown["deployment"]["version"] == 1
    assert [h["action"] for h in shown["history"]][:2] == ["instance_started", "task_created"]
    fired = run_json("timers", "fire", "--as-of", "2026-03-09T00:00:00+08:00", "--json")
    assert fired["as_of"] == "2026-03-08T16:00:00+00:00"
    assert run("audit", "verify").exit_code == 0


@pytest.mark.parametrize("args,needle", [
    (["tasks", "complete", "1", "--as", "bob", "--data", "{}"], "another organisation"),
    (["tasks", "complete", "1", "--as", "alice", "--data", "[1]"], "JSON object"),
    (["tasks", "complete", "1", "--as", "alice", "--data", "{bad"], "not valid JSON"),
    (["tasks", "complete", "1", "--as", "alice", "--data", '{"decision": "x"}'],
     "invalid data"),
    (["tasks", "complete", "1", "--as", "nobody"], "no user named"),
    (["process", "start", "nope", "--as", "alice"], "not deployed"),
    (["timers", "fire", "--as-of", "tomorrow"], "not an ISO"),
    (["deploy", "/no/such/file.bpmn"], "no such file"),
    (["instances", "show", "4242"], "does not exist"),
])
def test_refusals_are_one_line_exit_2(cli_db, args, needle) -> None:
    run("process", "start", "loop_review", "--as", "alice",
        "--data", '{"first_org": "A", "second_org": "B"}')
    result = run(*args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and result.stdout == ""


def test_refused_diagram_lists_each_problem(cli_db) -> None:
    result = run("deploy", str(DATA / "hostile" / "bad_tasks.bpmn"))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) >= 5 and all("bad_tasks.bpmn:" in line for line in lines)


def test_audit_verify_names_the_altered_event(cli_db) -> None:
    run("process", "start", "loop_review", "--as", "alice",
        "--data", '{"first_org": "A", "second_org": "B"}')
    with session_scope(cli_db, write=True) as s:
        s.execute(update(AuditEvent).where(AuditEvent.seq == 1,
                                           AuditEvent.chain == "instance:1")
                  .values(actor="mallory"))
    result = run("audit", "verify")
    assert result.exit_code == 1 and "instance:1: event" in result.stderr


def test_no_traceback_reaches_the_user(cli_env) -> None:
    env = {**os.environ, "ZHUANJIE_DATABASE_URL": cli_env}
    proc = subprocess.run([sys.executable, "-m", "app.cli", "instances", "show", "7"],
                          capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "does not exist" in proc.stderr
