"""Who acts: the signed-in or named user, and the instant and clock of the action."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Forbidden, NotFound
from app.models.user import User


def active_user(session: Session, username: str) -> User:
    """The active user *username*; refused if unknown or disabled."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user named {username!r}")
    if not user.active:
        raise Forbidden(f"user {username!r} is disabled")
    return user
