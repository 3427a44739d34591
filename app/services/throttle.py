"""Rate limits kept in the database: sign-in lockout, the progress lookup, API tokens.

A limit allows at most ``max_count`` counted attempts for one key (a username, an address)
within a sliding ``window``; the next attempt waits until the oldest of them leaves the
window. Blocked attempts are recorded but not counted, so hammering a locked account does
not prolong its lockout. Because the attempts are rows, every web worker and host sees the
same counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.config import Settings
from app.models.security import AuthAttempt

MAX_KEY = 200


@dataclass(frozen=True)
class Limit:
    """At most *max_count* attempts with an outcome in *counts* per key per *window*."""

    scope: str
    max_count: int
    window: timedelta
    counts: tuple[str, ...] = ("failure",)
    reset_on_success: bool = False


def login_limits(settings: Settings) -> tuple[Limit, Limit]:
    """The sign-in limits: per username (a success starts the count again) and per address."""
    window = timedelta(minutes=settings.login_lockout_minutes)
    return (Limit("login_user", settings.login_max_failures_per_user, window,
                  reset_on_success=True),
            Limit("login_ip", settings.login_max_failures_per_ip, window))


def progress_limits(settings: Settings) -> tuple[Limit, Limit]:
    """The progress lookup: every lookup per address, failed ones per case number."""
    window = timedelta(minutes=settings.progress_window_minutes)
    return (Limit("progress_ip", settings.progress_max_lookups_per_ip, window,
                  counts=("lookup", "failure")),
            Limit("progress_case", 5, window))


def api_limit(settings: Settings) -> Limit:
    """Requests with a bad token per address."""
    return Limit("api_ip", settings.api_max_auth_failures_per_ip,
                 timedelta(minutes=settings.login_lockout_minutes))


def _key(key: str) -> str:
    return key[:MAX_KEY]


def wait_seconds(session: Session, limit: Limit, key: str, now: datetime) -> int:
    """0 when an attempt for *key* is allowed now; else the seconds to wait (at least 1)."""
    start = now - limit.window
    if limit.reset_on_success:
        last_ok = session.scalar(select(func.max(AuthAttempt.at)).where(
            AuthAttempt.scope == limit.scope, AuthAttempt.key == _key(key),
            AuthAttempt.outcome == "success", AuthAttempt.at > start))
        if last_ok is not None:
            start = max(start, last_ok)
    counted = session.scalars(
        select(AuthAttempt.at).where(AuthAttempt.scope == limit.scope,
                                     AuthAttempt.key == _key(key),
                                     AuthAttempt.outcome.in_(limit.counts),
                                     AuthAttempt.at > start)
        .order_by(AuthAttempt.at.desc()).limit(limit.max_count)).all()
    if len(counted) < limit.max_count:
        return 0
    return max(1, math.ceil((counted[-1] + limit.window - now).total_seconds()))


def record(session: Session, limit: Limit, key: str, outcome: str, now: datetime) -> None:
    """Add one attempt for *key* under *limit* (in the caller's write transaction)."""
    session.add(AuthAttempt(scope=limit.scope, key=_key(key), outcome=outcome, at=now))
    session.flush()


def minutes_text(seconds: int) -> str:
    """A waiting time for people: "3 分钟" (rounded up), or "1 分钟" for under a minute."""
    return f"{max(1, math.ceil(seconds / 60))} 分钟"


def prune(session: Session, now: datetime, keep: timedelta = timedelta(days=30)) -> int:
    """Delete attempts older than *keep* (housekeeping); the number deleted."""
    result = session.execute(delete(AuthAttempt).where(AuthAttempt.at < now - keep))
    return int(getattr(result, "rowcount", 0) or 0)
