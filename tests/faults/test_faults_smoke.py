"""A short fault run in the suite (PostgreSQL): 2 kills under load, nothing lost.

The full run is `make faults` (60 s, 8 kills); this one shows the harness works end to end.
"""

from __future__ import annotations

import pytest

from tests.conftest import PG_URL
from tests.faults.run import Options, run

pytestmark = pytest.mark.pg


def test_a_short_fault_run_loses_nothing() -> None:
    if not PG_URL:
        pytest.skip("ZHUANJIE_TEST_PG_URL is not set: the fault run needs PostgreSQL")
    summary = run(Options(server=PG_URL, database="zj_faults_smoke", seconds=10, kills=2,
                          clients=3, per_branch=5, seed=3))
    result = summary.to_json()
    assert result["ok"], result["violations"]
    assert len(result["kills"]) == 2
    assert result["kills"][0].startswith("web worker") and result["kills"][1].startswith(
        "scheduler")
    assert result["figures"]["doctor_exit"] == 0
    assert result["figures"]["completions_acknowledged"] > 0
