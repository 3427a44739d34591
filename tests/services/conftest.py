"""Service tests share the procedures' world (the ROUTING.md tree with diagrams deployed)."""

from tests.procedures.conftest import world  # noqa: F401
