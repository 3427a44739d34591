"""Web fixtures: the procedures' world behind a Flask test client, the authorization
matrix's scene, and a sign-in helper."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from tests.factories import PASSWORD
from tests.procedures.conftest import World, world  # noqa: F401
from tests.web.authz_scene import Scene, build_scene


@pytest.fixture
def app(world: World) -> Iterator[Flask]:  # noqa: F811
    flask_app = create_app({"database_url": world.settings.database_url, "TESTING": True,
                            "WTF_CSRF_ENABLED": False})
    yield flask_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def scene(world: World) -> Scene:  # noqa: F811
    """The authorization matrix's world of cases, tasks and letters (authz_scene.py)."""
    return build_scene(world)


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    """Sign in through the form; the response of the POST."""
    return client.post("/login", data={"username": username, "password": password})
