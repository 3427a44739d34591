"""Personal API tokens: created in the web application, shown once, stored hashed.

A token is ``zj_`` and 43 URL-safe characters (32 random bytes). The database keeps its
SHA-256 and the first characters (the prefix, shown in lists so that the owner can tell
tokens apart); the secret itself is returned once by :func:`create_token` and never again.
A token acts as its user — organisation, roles, the policy — until it expires or is
revoked, and not at all once the user is disabled.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from app import policy
from app.engine import audit
from app.errors import Forbidden, InvalidData, NotFound
from app.models.security import ApiToken
from app.models.user import User

TOKEN_PREFIX = "zj_"
SHOWN_CHARS = 10  # "zj_" and 7 characters of the secret: enough to tell tokens apart
MAX_NAME = 100
# last_used_at is written at most this often, so that reading through the API stays a read
TOUCH_EVERY = timedelta(minutes=5)


def token_hash(secret: str) -> str:
    """The stored form of a token: the hex SHA-256 of the whole token string."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    """A token just created: the row and the secret, which is shown once."""

    token: ApiToken
    secret: str


def _check_name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise InvalidData("请填写令牌名称", {"name": "必填"})
    if len(clean) > MAX_NAME:
        raise InvalidData("令牌名称过长", {"name": f"不超过 {MAX_NAME} 个字符"})
    return clean


def create_token(session: Session, user: User, name: str, days: int, now: datetime,
                 max_days: int) -> NewToken:
    """A new token of *user* named *name*, valid *days* days (1..max_days); audited."""
    policy.require(user, policy.Action.MANAGE_OWN_TOKENS)
    clean = _check_name(name)
    if not 1 <= days <= max_days:
        raise InvalidData("有效期超出范围", {"days": f"有效期为 1 至 {max_days} 天"})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=clean, prefix=secret[:SHOWN_CHARS],
                   token_hash=token_hash(secret), created_at=now,
                   expires_at=now + timedelta(days=days))
    session.add(row)
    session.flush()
    audit.append(session, chain=audit.SYSTEM_CHAIN, at=now, actor=user.username,
                 action="api_token_created",
                 changes={"token_id": row.id, "name": clean, "prefix": row.prefix,
                          "expires_at": row.expires_at.isoformat()})
    return NewToken(row, secret)


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    """The tokens of *user*, newest first (revoked and expired ones included)."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.id.desc())))


def revoke_token(session: Session, user: User, token_id: int, now: datetime) -> ApiToken:
    """Revoke one of *user*'s own tokens (revoking twice keeps the first time); audited."""
    policy.require(user, policy.Action.MANAGE_OWN_TOKENS)
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"no token {token_id}")
    if row.user_id != user.id:
        raise Forbidden(f"token {token_id} belongs to another user")
    if row.revoked_at is None:
        row.revoked_at = now
        audit.append(session, chain=audit.SYSTEM_CHAIN, at=now, actor=user.username,
                     action="api_token_revoked",
                     changes={"token_id": row.id, "prefix": row.prefix})
    return row


def token_state(row: ApiToken, now: datetime) -> str:
    """``active``, ``expired`` or ``revoked``."""
    if row.revoked_at is not None:
        return "revoked"
    return "expired" if row.expires_at <= now else "active"


def authenticate_token(session: Session, secret: str,
                       now: datetime) -> tuple[User, ApiToken] | None:
    """The active user a valid, unexpired, unrevoked token acts as, with the token row;
    None for anything else."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    # the token, its user and the user's roles in one round trip (every API request)
    found = session.execute(
        select(ApiToken, User).join(User, User.id == ApiToken.user_id)
        .options(joinedload(User.roles))
        .where(ApiToken.token_hash == token_hash(secret))).unique().first()
    if found is None:
        return None
    row, user = found
    if token_state(row, now) != "active" or not user.active:
        return None
    return user, row


def needs_touch(row: ApiToken, now: datetime) -> bool:
    """Whether the token's last use is old enough to be written again."""
    return row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY


def touch_token(session: Session, token_id: int, now: datetime) -> None:
    """Record that a token was used at *now* (in the caller's write transaction)."""
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
