"""Small builders of rows for tests (organisations, users)."""

from __future__ import annotations

from datetime import UTC, datetime

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from app.models import Org, User, UserRole


def make_org(session: Session, code: str, kind: str = "committee", name: str | None = None,
             parent: Org | None = None) -> Org:
    """An organisation under *parent* with its path computed."""
    org = Org(code=code, name=name or f"组织{code}", kind=kind,
              parent_id=parent.id if parent else None, nationwide=False, approves_members=True,
              path="/", depth=(parent.depth + 1) if parent else 0)
    session.add(org)
    session.flush()
    org.path = (parent.path if parent else "/") + f"{org.id}/"
    return org


PASSWORD = "test-password-1"
_cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
_hash = _cheap.hash(PASSWORD)


def make_user(session: Session, username: str, org: Org, *roles: str,
              active: bool = True) -> User:
    """A user of *org* with *roles* (default: operator); password :data:`PASSWORD`
    (hashed with cheap argon2 settings, which verification reads from the hash)."""
    user = User(username=username, display_name=username, password_hash=_hash, org_id=org.id,
                active=active, created_at=datetime.now(UTC))
    user.roles = [UserRole(role=r) for r in (roles or ("operator",))]
    session.add(user)
    session.flush()
    return user
