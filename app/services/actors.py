"""Who acts: the signed-in or named user, and the instant and clock of the action."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.errors import Forbidden, NotFound
from app.models.user import User


def active_user(session: Session, username: str) -> User:
    """The active user *username*; refused if unknown or disabled."""
    # the roles in the same query (one round trip instead of the relationship's second)
    user = session.scalars(select(User).options(joinedload(User.roles))
                           .where(User.username == username)).unique().first()
    if user is None:
        raise NotFound(f"no user named {username!r}")
    if not user.active:
        raise Forbidden(f"user {username!r} is disabled")
    return user
