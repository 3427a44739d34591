"""API fixtures: the procedures' world with policy staff and an admin, tokens, a client."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app
from app.db import session_scope
from app.models import Org, User
from app.services import tokens
from tests.factories import make_user
from tests.procedures.conftest import World, world  # noqa: F401

EXTRA_USERS = {"policy-HN": ("HN", "policy_staff"), "admin-HN": ("HN", "admin")}


def add_extra_users(w: World) -> None:
    """Policy staff and an administrator at the provincial department."""
    with session_scope(w.engine, write=True) as s:
        for username, (code, role) in EXTRA_USERS.items():
            if s.scalar(select(User.id).where(User.username == username)) is None:
                make_user(s, username, s.scalar(select(Org).where(Org.code == code)), role)


def new_token(w: World, username: str, days: int = 30) -> str:
    """A fresh token of *username* (made through the service, as the web page does)."""
    with session_scope(w.engine, write=True) as s:
        user = s.scalar(select(User).where(User.username == username))
        return tokens.create_token(s, user, f"test {username}", days, datetime.now(UTC),
                                   365).secret


@dataclass
class Api:
    """A test client speaking JSON with one token."""

    client: FlaskClient
    token: str | None

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get("/api/v1" + path, query_string=params, headers=self._headers())

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post("/api/v1" + path, json=body, headers=self._headers())


@pytest.fixture
def api_world(world: World) -> World:  # noqa: F811
    add_extra_users(world)
    return world


@pytest.fixture
def api_app(api_world: World) -> Iterator[Flask]:
    yield create_app({"database_url": api_world.settings.database_url, "TESTING": True})


@pytest.fixture
def as_user(api_app: Flask, api_world: World) -> Any:
    """``as_user("op-CS-YL")``: an :class:`Api` with a new token of that user."""

    def make(username: str) -> Api:
        return Api(api_app.test_client(), new_token(api_world, username))

    return make
