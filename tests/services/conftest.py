"""Service tests over the procedures' world (the ROUTING.md tree, members, users, diagrams)."""

from __future__ import annotations

from tests.procedures.conftest import world  # noqa: F401
