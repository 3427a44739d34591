"""Member records at the end of a transfer: 落地, out of the province, out of the system.

A member row is never deleted: a transfer changes its branch or status and writes a
``member_move`` row beside it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from app.models.case import Letter, MemberMove, TransferCase
from app.models.member import Member
from handlers import HandlerContext, register
from handlers.context import HandlerError, case_of, local_today, org_by_code


def _move(ctx: HandlerContext, case: TransferCase, member: Member, kind: str, *,
          new_branch_id: int | None = None, new_status: str | None = None,
          note: str | None = None) -> None:
    ctx.session.add(MemberMove(
        member_id=member.id, case_id=case.id, kind=kind, old_branch_id=member.branch_id,
        new_branch_id=new_branch_id if new_branch_id is not None else member.branch_id,
        old_status=member.status, new_status=new_status or member.status, note=note,
        at=ctx.now))
    if new_branch_id is not None:
        member.branch_id = new_branch_id
    if new_status is not None:
        member.status = new_status
    if note:
        member.status_note = note[:500]
    member.updated_at = ctx.now


def _member(ctx: HandlerContext, case: TransferCase) -> Member:
    member = ctx.session.get(Member, case.member_id) if case.member_id else None
    if member is None:
        raise HandlerError(f"case {case.number} has no member record")
    return member


def _incoming_member(ctx: HandlerContext, case: TransferCase, branch_id: int) -> Member:
    """The member of a paper letter from outside the province becomes a record here."""
    data = dict(case.letter.get("member") or {})  # type: ignore[call-overload]
    existing = ctx.session.scalar(select(Member).where(Member.id_number == data["id_number"]))
    if existing is not None:
        return existing
    member = Member(code=f"M{case.number}", name=data["name"], gender=data["gender"],
                    ethnicity=data["ethnicity"], birth_date=date.fromisoformat(data["birth_date"]),
                    id_number=data["id_number"], category=data["category"], branch_id=branch_id,
                    joined_on=date.fromisoformat(data["joined_on"]),
                    dues_paid_until=data["dues_paid_until"], phone=data.get("phone"),
                    status="active", created_at=ctx.now, updated_at=ctx.now)
    ctx.session.add(member)
    ctx.session.flush()
    case.member_id = member.id
    return member


@register("members/land")
def land(ctx: HandlerContext, params: dict[str, Any]) -> dict[str, Any]:
    """落地: the member's record moves to the target branch chosen at reception."""
    case = case_of(ctx)
    branch = org_by_code(ctx, str(ctx.data["target_branch"]))
    if branch.kind != "branch":
        raise HandlerError(f"{branch.code} is not a branch")
    if case.kind == "in":
        member = _incoming_member(ctx, case, branch.id)
        _move(ctx, case, member, "landed_from_outside", new_branch_id=branch.id,
              note="省外转入")
    else:
        member = _member(ctx, case)
        _move(ctx, case, member, "landed", new_branch_id=branch.id)
    case.to_org_id, case.landed_at = branch.id, ctx.now
    ctx.session.add(Letter(case_id=case.id, kind="electronic_receipt",
                           issuer_org_id=case.receiver_org_id or branch.id,
                           year=local_today(ctx).year, serial=None,
                           data={"member": member.name, "branch": branch.name,
                                 "landed_on": local_today(ctx).isoformat()},
                           issued_at=ctx.now))
    return {"landed_on": local_today(ctx).isoformat(), "target_branch": branch.code}


@register("members/mark_out_province")
def mark_out_province(ctx: HandlerContext, params: dict[str, Any]) -> dict[str, Any]:
    """转出省外: the record stays, marked as transferred out with the receipt pending."""
    case = case_of(ctx)
    member = _member(ctx, case)
    dest = case.destination or {}
    note = f"已转出省外（{dest.get('province', '')}{dest.get('org_name', '')}），回执待收"
    _move(ctx, case, member, "out_province", new_status="out_province", note=note)
    return {"member_status": "out_province"}


@register("members/mark_out_of_system")
def mark_out_of_system(ctx: HandlerContext, params: dict[str, Any]) -> dict[str, Any]:
    """转往系统外 (Art. 12): the record is marked and kept forever, never deleted."""
    case = case_of(ctx)
    member = _member(ctx, case)
    unit = str(ctx.data.get("destination_unit", ""))
    reason = str(ctx.data.get("reason", ""))
    case.destination = {**(case.destination or {}), "unit": unit, "reason": reason}
    _move(ctx, case, member, "out_of_system", new_status="out_of_system",
          note=f"转往系统外：{unit}（{reason}）")
    return {"member_status": "out_of_system"}
