"""Values remembered for one unit of work on a session (a dashboard page), never longer.

A page of figures asks the same small questions many times (the organisation of a code,
whether an organisation is the root of the only tree); inside :func:`remembering` each is
asked of the database once. Outside it, :func:`remembered` simply computes: nothing is kept
between requests, so nothing can go stale.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")
KEY = "memo"


@contextmanager
def remembering(session: Session) -> Iterator[None]:
    """Remember the answers of :func:`remembered` on *session* until the block ends."""
    outer = KEY in session.info
    if not outer:
        session.info[KEY] = {}
    try:
        yield
    finally:
        if not outer:
            session.info.pop(KEY, None)


def remembered(session: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """The value of *compute*, asked once per *key* inside :func:`remembering`."""
    memo: dict[Hashable, Any] | None = session.info.get(KEY)
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    value: T = memo[key]
    return value
