"""letters/issue, letters/receipt_received, letters/receipt: the paper letter's life.

The paper letter (三联: 存根 / 介绍信 / 回执) gets a serial number of its issuer and year in
the same transaction as the step; its receipt is due one month after the letter's validity
ends (PROCEDURES.md §2), which drives the reminder timers of the diagram.
"""

from __future__ import annotations

import calendar
import dataclasses
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from app.models.case import Letter
from app.services.letters import LetterDestination, allocate_serial, letter_data_for_member
from handlers import HandlerContext, register
from handlers.context import (
    HandlerError,
    case_of,
    local_today,
    org_by_code,
    parse_day,
    start_of_day,
)


def add_months(day: date, months: int) -> date:
    """The same day *months* later (the month's last day when it is shorter)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@register("letters/issue")
def issue(ctx: HandlerContext, params: dict[str, Any]) -> dict[str, Any]:
    """Number and store the paper letter of an out-of-province case (Art. 10(一))."""
    case = case_of(ctx)
    if case.member_id is None:
        raise HandlerError(f"case {case.number} has no member")
    issuer = org_by_code(ctx, str(ctx.data["route"]["issuer"]))
    today = local_today(ctx)
    serial = allocate_serial(ctx.session, issuer.id, today.year)
    letter: dict[str, Any] = {**case.letter, **{k: ctx.data[k] for k in
                                               ("reason", "contact_phone", "archive_handling")
                                               if ctx.data.get(k)}}
    dest = case.destination or {}
    data = letter_data_for_member(
        ctx.session, case.member_id, issuer_org_id=issuer.id, serial_number=serial,
        issued_on=today, validity_days=int(letter["validity_days"]),
        destination=LetterDestination(str(dest.get("org_name", "")), dest.get("province"),
                                      dest.get("address")),
        contact_phone=str(letter["contact_phone"]), reason=str(letter["reason"]),
        archive_handling=str(letter["archive_handling"]))
    valid_until = today + timedelta(days=int(letter["validity_days"]))
    receipt_due = add_months(valid_until, 1)
    row = Letter(case_id=case.id, kind="transfer", issuer_org_id=issuer.id, year=today.year,
                 serial=serial, issued_at=ctx.now, valid_until=valid_until,
                 receipt_due=receipt_due,
                 data={k: _json(v) for k, v in dataclasses.asdict(data).items()})
    ctx.session.add(row)
    ctx.session.flush()
    return {"letter_id": row.id, "serial": serial, "serial_text": data.serial,
            "valid_until": valid_until.isoformat(), "receipt_due": receipt_due.isoformat(),
            "receipt_due_at": start_of_day(receipt_due).isoformat(),
            "receipt_escalate_at": start_of_day(add_months(receipt_due, 3)).isoformat()}


def _paper_letter(ctx: HandlerContext) -> Letter:
    case = case_of(ctx)
    letter = ctx.session.scalar(select(Letter).where(Letter.case_id == case.id,
                                                     Letter.kind == "transfer"))
    if letter is None:
        raise HandlerError(f"case {case.number} has no paper letter")
    return letter


@register("letters/receipt_received")
def receipt_received(ctx: HandlerContext, params: dict[str, Any]) -> dict[str, Any]:
    """The receipt (回执) of the paper letter came back: record when and from whom."""
    letter = _paper_letter(ctx)
    letter.receipt_received_on = parse_day(ctx.data.get("received_on"), "received_on")
    letter.receipt_org_name = str(ctx.data.get("receiving_org", ""))[:200]
    letter.handed_over_how = letter.handed_over_how or ctx.data.get("method")
    return {"received_on": letter.receipt_received_on.isoformat()}


@register("letters/handed_over")
def handed_over(ctx: HandlerContext, params: dict[str, Any]) -> dict[str, Any]:
    """How the letter was handed over (in person / by post with its tracking number)."""
    letter = _paper_letter(ctx)
    letter.handed_over_how = str(ctx.data.get("method"))
    letter.tracking_number = ctx.data.get("tracking_number") or None
    letter.handed_over_on = parse_day(ctx.data.get("handed_over_on"), "handed_over_on")
    return {"method": letter.handed_over_how}


@register("letters/receipt")
def receipt(ctx: HandlerContext, params: dict[str, Any]) -> dict[str, Any]:
    """A printable receipt for the outside organisation that issued an incoming letter."""
    case = case_of(ctx)
    registration = dict(case.letter)
    receiver = org_by_code(ctx, str(ctx.data["route"]["receiver"]))
    row = Letter(case_id=case.id, kind="receipt", issuer_org_id=receiver.id,
                 year=local_today(ctx).year, serial=None, issued_at=ctx.now,
                 data={"letter_serial": registration.get("serial"),
                       "issuing_org": registration.get("issuing_org"),
                       "province": registration.get("province"),
                       "member_name": (registration.get("member") or {}).get("name"),
                       "received_by": receiver.name,
                       "received_on": local_today(ctx).isoformat()})
    ctx.session.add(row)
    ctx.session.flush()
    return {"receipt_id": row.id}
