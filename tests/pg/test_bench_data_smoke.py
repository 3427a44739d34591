"""The data benchmarks (bench/inbox.py, bench/member_import.py) run with --quick on
PostgreSQL and end with the contract's JSON line. Only the shape is checked, never a time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import URL, make_url

from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parents[2]
FIGURES = {"inbox": ["inbox_http_p95_ms"],
           "member_import": ["member_import_rows_per_s", "member_import_peak_mb"]}


def _server() -> str:
    if not PG_URL:
        pytest.skip("ZHUANJIE_TEST_PG_URL is not set: PostgreSQL benchmarks skipped")
    url = make_url(PG_URL)
    server = URL.create(url.drivername, url.username, url.password, url.host, url.port)
    return server.render_as_string(hide_password=False)


@pytest.mark.slow
@pytest.mark.parametrize("module", sorted(FIGURES))
def test_quick_benchmark_prints_its_figures(module: str) -> None:
    done = subprocess.run([sys.executable, "-m", f"bench.{module}", "--pg", _server(),
                           "--quick"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    last = json.loads(done.stdout.strip().splitlines()[-1])
    assert sorted(last) == ["figures"]
    assert sorted(last["figures"]) == sorted(FIGURES[module])
    for figure in last["figures"].values():
        assert isinstance(figure["value"], (int, float)) and not isinstance(figure["value"], bool)
        assert isinstance(figure["goal"], (int, float)) and figure["op"] in ("<=", ">=")
        assert isinstance(figure["unit"], str) and isinstance(figure["detail"], dict)
        baseline = figure["baseline"]
        assert baseline is None or (isinstance(baseline["value"], (int, float))
                                    and isinstance(baseline["name"], str))
