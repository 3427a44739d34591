"""Fixtures of the managers' views: the procedures' world with the known cases of
tests/casegen.py, and the web client of tests/web."""

from __future__ import annotations

import pytest

from app.db import session_scope
from tests.casegen import insert_cases, known_cases
from tests.procedures.conftest import World, world  # noqa: F401
from tests.web.conftest import app, client  # noqa: F401

LETTERS = "ABCDEF"


@pytest.fixture
def known(world: World) -> dict[str, int]:  # noqa: F811
    """The six known cases, by letter → case id."""
    with session_scope(world.engine, write=True) as s:
        ids = insert_cases(s, known_cases())
    return dict(zip(LETTERS, ids, strict=True))
