"""Web fixtures: the procedures' world behind a Flask test client, and a sign-in helper."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from tests.factories import PASSWORD
from tests.procedures.conftest import World, world  # noqa: F401


@pytest.fixture
def app(world: World) -> Iterator[Flask]:  # noqa: F811
    flask_app = create_app({"database_url": world.settings.database_url, "TESTING": True,
                            "WTF_CSRF_ENABLED": False})
    yield flask_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    """Sign in through the form; the response of the POST."""
    return client.post("/login", data={"username": username, "password": password})
