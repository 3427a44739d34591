"""What every view uses: the request's database session, the signed-in user, the clock,
and the translation of refusals into pages. Views stay thin: parse, call one service, render.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app, g, request
from flask_login import current_user
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import session_scope
from app.engine.clock import Clock, SystemClock
from app.models.user import User


def settings() -> Settings:
    """The application's settings."""
    value: Settings = current_app.config["SETTINGS"]
    return value


def db() -> Session:
    """A read session for this request (closed at teardown; never commits)."""
    if "db" not in g:
        g.db = Session(bind=current_app.config["ENGINE"], expire_on_commit=False)
    session: Session = g.db
    return session


def close_db(_exc: BaseException | None = None) -> None:
    """Teardown: roll back and close the request's read session."""
    session = g.pop("db", None)
    if session is not None:
        session.rollback()
        session.close()


@contextmanager
def writing() -> Iterator[Session]:
    """One write transaction (committed at the end, rolled back on any error)."""
    with session_scope(current_app.config["ENGINE"], write=True) as session:
        yield session


def clock() -> Clock:
    """The application clock (tests may put a fixed one in app.config["CLOCK"])."""
    value: Clock = current_app.config.get("CLOCK") or SystemClock()
    return value


def me() -> User:
    """The signed-in user (views are behind login_required)."""
    user: Any = current_user
    if not getattr(user, "is_authenticated", False):
        raise RuntimeError("no user is signed in")
    value: User = user._user
    return value


def client_ip() -> str:
    """The address the request came from, as the WSGI server saw it (a reverse proxy must
    be made known to the server for this to be the client's)."""
    return request.remote_addr or "unknown"
