"""Bodies no generator thinks of: out-of-range numbers, NaN, deep nesting, huge bodies,
wrong shapes inside the letter — always a 4xx with the error shape, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.procedures.conftest import World

BODIES = [
    '{"kind": "intra", "member": "M-P2", "target_branch": "CS-YL-P1-B1", '
    '"letter": {"validity_days": 1e999}}',
    '{"kind": "intra", "member": "M-P2", "letter": {"validity_days": NaN}}',
    '{"kind": "intra", "member": "M-P2", "letter": {"validity_days": Infinity}}',
    "[" * 100_000 + "]" * 100_000,
    '{"kind": "in", "target_branch": "CS-YL-P1-B1", "registration": {"member": [1, 2]}}',
    '{"kind": "intra", "member": "M-P2", "target_branch": "CS-YL-P1-B1", '
    '"letter": {"validity_days": [30], "reason": {"a": 1}, "contact_phone": 7}}',
    '{"kind": "intra", "member": "M-P2", "target_branch": "CS-YL-P1-B1", '
    '"letter": {"validity_days": 99999999999999999999999999}}',
    '{"kind": "' + "x" * 2_000_000 + '"}',
    '{"kind": "intra", "member": "\\u0000", "target_branch": "\\ud800"}',
    "\xff\xfe not utf-8",
]


@pytest.mark.parametrize("body", BODIES, ids=range(len(BODIES)))
def test_hostile_bodies_are_refused_with_the_error_shape(api_world: World, as_user: Any,
                                                        body: str) -> None:
    api = as_user("sec-CS-YL-P2-B1")
    answer = api.client.post("/api/v1/cases", data=body.encode("utf-8", "surrogatepass"),
                             headers={"Authorization": f"Bearer {api.token}",
                                      "Content-Type": "application/json"})
    assert 400 <= answer.status_code < 500, answer.get_data(as_text=True)[:300]
    assert set(answer.json["error"]) == {"code", "message", "fields"}
