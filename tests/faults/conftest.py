"""The procedures' world (the ROUTING.md tree, members, users, diagrams) for the fault
run's own tests; the run itself is `make faults` (tests/faults/run.py)."""

from __future__ import annotations

from tests.procedures.conftest import world  # noqa: F401
