"""BPMN scripts run with restricted builtins, whatever the lint let through."""

from __future__ import annotations

import pytest

from app.engine.clock import FixedClock, parse_instant
from app.engine.lint import check_code
from app.engine.scripting import ZhuanjieEnvironment, clock_functions


def env() -> ZhuanjieEnvironment:
    return ZhuanjieEnvironment(clock_functions(FixedClock(parse_instant("2026-05-06T10:00"))))


@pytest.mark.parametrize("code", ["open('/etc/passwd').read()", "__import__('os')",
                                  "eval('1')", "exec('x = 1')", "compile('1', 'f', 'eval')"])
def test_dangerous_builtins_are_absent_at_run_time(code: str) -> None:
    with pytest.raises(NameError):
        env().evaluate(code, {})


def test_ordinary_expressions_and_functions_work() -> None:
    assert env().evaluate("len(levels) + max(1, 2)", {"levels": [1, 2, 3]}) == 5
    assert env().evaluate("today()", {}) == "2026-05-06"
    data = {"levels": ["A"]}
    env().execute("levels = levels + ['B']\nn = len(levels)", data)
    assert data["levels"] == ["A", "B"] and data["n"] == 2 and "today" not in data


@pytest.mark.parametrize("code,why", [
    ("import os", "import"), ("from os import path", "import"),
    ("x.__class__", "dunder"), ("x._secret", "private"), ("__builtins__", "dunder"),
    ("getattr(x, 'y')", "getattr"), ("lambda: 1", "lambda"), ("x = (", "syntax"),
])
def test_lint_refuses_code(code: str, why: str) -> None:
    message = check_code(code, "exec")
    assert message is not None and why in message


def test_dry_run_invents_task_variables_but_not_functions() -> None:
    assert env().dry_evaluate("due", "2026-01-05T00:00:00+08:00") == "2026-01-05T00:00:00+08:00"
    assert env().dry_evaluate("today()", "x") == "2026-05-06"
