"""Security records: personal API tokens and sign-in / lookup attempts (rate limiting).

A token is stored only as the SHA-256 of its secret, with a short prefix that lets its
owner recognise it in a list. Attempts live in the database so that every web worker sees
the same counts (a lockout decided by one worker holds for all of them).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UtcDateTime


class ApiToken(Base):
    """A personal API token: acts as its user (organisation, roles) until expiry or revocation."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AuthAttempt(Base):
    """One attempt counted by a rate limit: a sign-in, a progress lookup, an API token.

    ``scope`` names the limit (``login_user``, ``login_ip``, ``progress_ip`` …), ``key`` what
    is counted (a username, an address), ``outcome`` is ``failure``, ``success``,
    ``blocked`` or ``lookup``.
    """

    __tablename__ = "auth_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_auth_attempt_scope_key", "scope", "key", "at"),)
