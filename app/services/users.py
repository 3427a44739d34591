"""Users: creation, passwords (argon2 hashes only), disabling and authentication."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Org, User, UserRole
from app.org.roles import ROLES, role_error
from app.org.tree import OrgError, UnknownOrgError

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.\-]{1,63}$")
MIN_PASSWORD = 8
_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the user is unknown, so that both answers take as long."""
    return _hasher.hash("not the password of anyone")


class UserError(OrgError):
    """A refused user operation (unknown user, bad role, weak password …)."""


def check_password(password: str) -> None:
    """Refuse a password that is too short."""
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password must have at least {MIN_PASSWORD} characters")


def _user(session: Session, username: str) -> User:
    user = session.execute(select(User).where(User.username == username)).scalar()
    if user is None:
        raise UserError(f"unknown user {username!r}")
    return user


def create_user(session: Session, username: str, password: str, org_code: str,
                roles: list[str], display_name: str | None = None,
                now: datetime | None = None) -> User:
    """Add a user of organisation *org_code* with *roles*; the password is hashed."""
    if not USERNAME_RE.match(username):
        raise UserError(f"username {username!r} must be 2 to 64 lower-case letters, digits, "
                        "'.', '_' or '-'")
    if session.execute(select(User.id).where(User.username == username)).first():
        raise UserError(f"user {username!r} already exists")
    org = session.execute(select(Org).where(Org.code == org_code)).scalar()
    if org is None:
        raise UnknownOrgError(org_code)
    if not roles:
        raise UserError(f"user {username!r} needs at least one role ({', '.join(ROLES)})")
    for role in dict.fromkeys(roles):
        problem = role_error(role, org.kind)
        if problem:
            raise UserError(f"{org.code}: {problem}")
    check_password(password)
    user = User(username=username, display_name=display_name or username,
                password_hash=_hasher.hash(password), org_id=org.id, active=True,
                created_at=now or datetime.now(UTC),
                roles=[UserRole(role=r) for r in dict.fromkeys(roles)])
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, username: str, password: str) -> None:
    """Replace the password of *username*."""
    check_password(password)
    _user(session, username).password_hash = _hasher.hash(password)


def disable_user(session: Session, username: str) -> None:
    """Disable *username*: they can no longer sign in. Nothing is deleted."""
    _user(session, username).active = False


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this username and password, or None."""
    user = session.execute(select(User).where(User.username == username)).scalar()
    try:
        _hasher.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def list_users(session: Session) -> list[tuple[User, Org]]:
    """Every user with their organisation, by username."""
    rows = session.execute(select(User, Org).join(Org, User.org_id == Org.id)
                           .order_by(User.username)).all()
    return [(user, org) for user, org in rows]
