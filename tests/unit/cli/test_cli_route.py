"""`zhuanjie route …`: the worked examples over a file and over the database; refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.org_factories import ROUTE_KEYS, ROUTING_TREE, WORKED_EXAMPLES, invoke, route_args

EXAMPLE_IDS = [f"{k}-{'-'.join(p.values())}-{pol}" for k, p, pol, _ in WORKED_EXAMPLES]


def _check(result: Any, kind: str, expected: dict[str, Any]) -> None:
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    answer = json.loads(result.stdout)
    assert set(answer) == ROUTE_KEYS[kind]
    assert {k: answer[k] for k in expected} == expected


@pytest.mark.parametrize(("kind", "params", "policy", "expected"), WORKED_EXAMPLES,
                         ids=EXAMPLE_IDS)
def test_worked_examples_over_a_file(kind: str, params: dict[str, str], policy: str,
                                     expected: dict[str, Any]) -> None:
    _check(invoke([*route_args(kind, params, policy), "--orgs", ROUTING_TREE]), kind,
           expected)


def test_worked_examples_over_the_database(cli_env: str) -> None:
    assert invoke(["orgs", "load", ROUTING_TREE]).exit_code == 0
    for kind, params, policy, expected in WORKED_EXAMPLES:
        _check(invoke(route_args(kind, params, policy)), kind, expected)


def test_configured_policy_applies(cli_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["route", "intra", "--from", "CS-YL-P1-B1", "--to", "CS-YH-P1-B1", "--json",
            "--orgs", ROUTING_TREE]
    assert json.loads(invoke(args).stdout)["approvers"] == ["CS-YL", "CS-YH"]
    monkeypatch.setenv("ZHUANJIE_POLICY", "national-2019")
    assert json.loads(invoke(args).stdout)["approvers"] == []


def test_text_output() -> None:
    result = invoke(["route", "out", "--from", "CS-YL-JY-P1-B1", "--orgs", ROUTING_TREE])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("out: Art. 10(一)")
    assert "CS-YL-JY-P1" in lines[1] and "中共长沙市某中学委员会" in lines[1]
    assert any("开具介绍信 issuer" in line and "CS-YL" in line for line in lines)


@pytest.mark.parametrize(("args", "message"), [
    (["intra", "--from", "CS-YL-P1", "--to", "CS-YL-P2-B1"],
     "error: Art. 8: the source must be a branch; CS-YL-P1 is a committee"),
    (["intra", "--from", "NOPE", "--to", "CS-YL-P2-B1"],
     "error: unknown organisation code 'NOPE'"),
    (["in", "--entry", "CS-YL-P1", "--to", "CS-YL-P2-B1"], "error: Art. 10(二): "),
    (["whole-unit", "--unit", "CS-YL", "--to", "CS"], "error: Art. 6: "),
    (["whole-unit", "--unit", "CS-YL-P1", "--to", "CS-YL-P1-V"], "error: Art. 6: "),
    (["out-of-system", "--from", "CS-YL-P1-V"], "error: Art. 8: "),
])
def test_refusals_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = invoke(["route", *args, "--json", "--orgs", ROUTING_TREE])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(message)


def test_refusal_over_the_database(cli_env: str) -> None:
    invoke(["orgs", "load", ROUTING_TREE])
    result = invoke(["route", "intra", "--from", "CS-YL-P1", "--to", "CS-YL-P2-B1", "--json"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "error: Art. 8: the source must be a branch; CS-YL-P1 is a " \
                            "committee\n"


def test_bad_tree_file_and_bad_options(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("orgs: [", encoding="utf-8")
    result = invoke(["route", "out", "--from", "B", "--orgs", str(bad)])
    assert result.exit_code == 2 and result.stdout == ""
    assert "malformed YAML" in result.stderr and len(result.stderr.splitlines()) == 1
    result = invoke(["route", "out", "--from", "B", "--orgs", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2 and "cannot read the file" in result.stderr
    assert invoke(["route", "out", "--from", "B", "--policy", "x"]).exit_code == 2
    assert invoke(["route", "intra", "--from", "B"]).exit_code == 2
