"""Row locks that serialize the checks of simultaneous applications (PostgreSQL).

Starting a case checks conditions that another start could break before either commits:
"the member has no other open case", "no whole-unit lock above the branches", "no open case
inside the unit". :func:`lock_for_start` takes, before those checks:

- the member's row, FOR UPDATE (two applications for one member queue);
- every organisation on the chains of the branches involved (from the root down to the
  branch), FOR SHARE, and the unit of a whole-unit transfer, FOR UPDATE: a member transfer
  inside a unit and the unit's own transfer queue, and the one that comes second sees the
  first's case or lock. Rows are locked in ascending id order, so starts never deadlock.

On SQLite the write transaction (BEGIN IMMEDIATE) already serializes every start and these
statements lock nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.member import Member
from app.models.org import Org

if TYPE_CHECKING:
    from app.services.transfers import TransferRequest


def _chain_ids(session: Session, org_id: int | None = None, code: str | None = None) -> set[int]:
    """The ids on the path from the root to an organisation (itself included)."""
    query = select(Org.path).where(Org.id == org_id) if org_id is not None else \
        select(Org.path).where(Org.code == (code or ""))
    path = session.scalar(query)
    return {int(part) for part in (path or "").split("/") if part}


def lock_for_start(session: Session, req: TransferRequest) -> None:
    """Lock what the checks of *req* read (see the module docstring); unknown names are
    left to the checks, which refuse them."""
    shared: set[int] = set()
    exclusive: set[int] = set()
    if req.kind in ("intra", "out", "out-of-system") and req.member:
        branch_id = session.scalar(select(Member.branch_id).where(Member.code == req.member)
                                   .with_for_update())
        if branch_id is not None:
            shared |= _chain_ids(session, org_id=branch_id)
    if req.kind in ("intra", "in") and req.target_branch:
        shared |= _chain_ids(session, code=req.target_branch)
    if req.kind == "whole-unit" and req.unit:
        unit_chain = _chain_ids(session, code=req.unit)
        unit_id = session.scalar(select(Org.id).where(Org.code == req.unit))
        shared |= unit_chain | _chain_ids(session, code=req.new_parent or "")
        if unit_id is not None:
            exclusive.add(unit_id)
    for org_id in sorted(shared | exclusive):
        query = select(Org.id).where(Org.id == org_id)
        session.scalar(query.with_for_update() if org_id in exclusive
                       else query.with_for_update(read=True))
