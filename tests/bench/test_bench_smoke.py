"""`make bench` in small: the runner's JSON shape and its report of a missing module.

Asserts shapes only, never a timing. The quick run needs PostgreSQL (the modules make their
own databases on the server of ZHUANJIE_TEST_PG_URL); the missing-module checks do not.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bench import run
from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parents[2]
FIGURES = {"engine_overhead": ["engine_overhead_ratio"],
           "state_size": ["state_kb_intra_finished"]}


def test_a_module_that_is_not_there_is_reported_missing() -> None:
    outcome = run.run_module("no_such_module", "postgresql+psycopg://nobody@127.0.0.1:1",
                             True, 30)
    assert "not there" in outcome["missing"]
    results = {"modules": {"no_such_module": outcome}}
    assert "| no_such_module | missing: bench/no_such_module.py is not there" in \
        run.table(results)


def test_contract_check_refuses_figures_without_numbers() -> None:
    assert run._check({"x": {"value": "fast", "goal": 1, "op": "<="}}) is not None
    assert run._check({"x": {"value": 1.5, "goal": 3, "op": "=="}}) is not None
    assert run._check({}) == "no figures"
    assert run._check({"x": {"value": 1.5, "goal": 3, "op": "<="}}) is None
    assert run._last_json("progress\n{\"figures\": {}}\n") == {"figures": {}}
    assert run._last_json("{\"figures\": {}}\nTraceback …\n") is None


def test_unknown_module_name_is_a_usage_error(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "bench.run", "--only", "nope", "--out",
                           str(tmp_path / "r.json")], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2 and "unknown module" in done.stderr
    assert not (tmp_path / "r.json").exists()


@pytest.mark.pg
@pytest.mark.slow
def test_quick_run_writes_the_figures_and_the_machine(tmp_path: Path) -> None:
    if not PG_URL:
        pytest.skip("ZHUANJIE_TEST_PG_URL is not set: the benchmark modules need PostgreSQL")
    server = make_url(PG_URL).set(database="postgres", query={})
    out = tmp_path / "results.json"
    done = subprocess.run([sys.executable, "-m", "bench.run", "--quick", "--only",
                           ",".join(FIGURES), "--pg", server.render_as_string(False),
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    for key in ("cpu_model", "cpu_count", "memory_gb", "os", "python", "postgresql",
                "sqlite", "spiffworkflow", "git_commit", "date"):
        assert key in results["machine"], key
    assert set(results["modules"]) == set(FIGURES)
    for module, names in FIGURES.items():
        outcome = results["modules"][module]
        assert "missing" not in outcome, outcome
        for name in names:
            fig = outcome["figures"][name]
            assert isinstance(fig["value"], int | float), name
            assert isinstance(fig["goal"], int | float) and fig["op"] in ("<=", ">="), name
            assert results["figures"][name] == fig
    assert "engine_overhead_ratio" in done.stdout  # the table
