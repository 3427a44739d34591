"""Signing in with a password, behind the sign-in limits of :mod:`app.services.throttle`.

Every failure is audited (``sign_in_failed``), and so is the failure that locks a username
or an address (``sign_in_locked``); a refused attempt during a lockout checks no password.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.config import Settings
from app.engine import audit
from app.models.user import User
from app.services import throttle, users

ACTOR = "system:sign-in"


@dataclass(frozen=True)
class SignInResult:
    """The signed-in user, or why not: ``wait`` seconds of lockout, or a wrong password."""

    user: User | None
    wait: int = 0


def _audit(session: Session, now: datetime, action: str, username: str, ip: str,
           **extra: object) -> None:
    audit.append(session, chain=audit.SYSTEM_CHAIN, at=now, actor=ACTOR, action=action,
                 changes={"username": username[:64], "ip": ip[:64], **extra})


def sign_in(session: Session, settings: Settings, username: str, password: str, ip: str,
            now: datetime) -> SignInResult:
    """Check *password* for *username* coming from *ip*, unless a limit holds; records the
    attempt in the caller's write transaction."""
    per_user, per_ip = throttle.login_limits(settings)
    wait = max(throttle.wait_seconds(session, per_user, username, now),
               throttle.wait_seconds(session, per_ip, ip, now))
    if wait:
        throttle.record(session, per_user, username, "blocked", now)
        throttle.record(session, per_ip, ip, "blocked", now)
        return SignInResult(None, wait)
    user = users.authenticate(session, username, password)
    if user is not None:
        throttle.record(session, per_user, username, "success", now)
        return SignInResult(user)
    throttle.record(session, per_user, username, "failure", now)
    throttle.record(session, per_ip, ip, "failure", now)
    _audit(session, now, "sign_in_failed", username, ip)
    wait = max(throttle.wait_seconds(session, per_user, username, now),
               throttle.wait_seconds(session, per_ip, ip, now))
    if wait:
        _audit(session, now, "sign_in_locked", username, ip, seconds=wait)
    return SignInResult(None, wait)
