"""orgs/move_subtree: a whole-unit transfer moves an organisation with everything below it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from app.models.case import OrgMove
from app.models.org import Org
from handlers import HandlerContext, register
from handlers.context import HandlerError, case_of


def move_subtree(ctx: HandlerContext, unit: Org, new_parent: Org) -> int:
    """Re-parent *unit* under *new_parent* in this transaction; the number of orgs moved.

    Every member keeps their branch: only the organisations' ``path`` and ``depth`` change.
    """
    if new_parent.path.startswith(unit.path):
        raise HandlerError(f"{new_parent.code} lies inside {unit.code}'s own subtree")
    old_prefix, new_prefix = unit.path, f"{new_parent.path}{unit.id}/"
    shift = (new_parent.depth + 1) - unit.depth
    moved = ctx.session.scalar(select(func.count()).select_from(Org)
                               .where(Org.path.startswith(old_prefix, autoescape=True))) or 0
    ctx.session.execute(
        update(Org).where(Org.path.startswith(old_prefix, autoescape=True))
        .values(path=new_prefix + func.substr(Org.path, len(old_prefix) + 1),
                depth=Org.depth + shift)
        .execution_options(synchronize_session=False))
    old_parent_id = unit.parent_id
    ctx.session.execute(update(Org).where(Org.id == unit.id).values(parent_id=new_parent.id)
                        .execution_options(synchronize_session=False))
    assert old_parent_id is not None
    ctx.session.add(OrgMove(org_id=unit.id, case_id=None, old_parent_id=old_parent_id,
                            new_parent_id=new_parent.id, at=ctx.now))
    ctx.session.expire_all()
    return int(moved)


@register("orgs/move_subtree")
def move(ctx: HandlerContext, params: dict[str, Any]) -> dict[str, Any]:
    """整建制转移 (Art. 6): the unit and its subtree move under the new parent at once."""
    case = case_of(ctx)
    unit = ctx.session.get(Org, case.unit_org_id) if case.unit_org_id else None
    new_parent = ctx.session.get(Org, case.to_org_id) if case.to_org_id else None
    if unit is None or new_parent is None:
        raise HandlerError(f"case {case.number} names no unit or new parent")
    case_id, unit_code, parent_code = case.id, unit.code, new_parent.code
    moved = move_subtree(ctx, unit, new_parent)
    last = ctx.session.scalar(select(OrgMove).order_by(OrgMove.id.desc()).limit(1))
    if last is not None:
        last.case_id = case_id
    return {"unit": unit_code, "new_parent": parent_code, "organisations_moved": moved}
