"""Print views of a case's paper letter and 党员基本信息采集表, as HTML or PDF.

The letter's data were frozen when it was issued (the Letter row), so a reprint shows
exactly what was stamped; the member form is filled from the member's record at print time.
Both carry the full 公民身份号码: the pages print them for the issuing organisation's
operators only (:func:`letter_for_print`, app.policy.require_print_letter); the command line
is the server's own.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import policy
from app.errors import NotFound
from app.models.case import Letter, TransferCase
from app.models.org import Org
from app.models.user import User
from app.services.letters import member_form_data
from handlers.letters.data import LetterData
from handlers.letters.render import (
    render_letter_html,
    render_letter_pdf,
    render_member_form_html,
    render_member_form_pdf,
)


def _letter(session: Session, letter_id: int) -> Letter:
    letter = session.get(Letter, letter_id)
    if letter is None or letter.kind != "transfer":
        raise NotFound(f"no paper letter {letter_id}")
    return letter


def letter_for_print(session: Session, user: User, letter_id: int) -> Letter:
    """Paper letter *letter_id*, if *user* may print it (refused otherwise)."""
    letter = _letter(session, letter_id)
    policy.require_print_letter(user, letter)
    return letter


def letter_data(letter: Letter) -> LetterData:
    """The stored data of an issued letter as LetterData."""
    values: dict[str, Any] = dict(letter.data)
    values["issued_on"] = date.fromisoformat(str(values["issued_on"]))
    return LetterData(**values)


def print_letter(session: Session, letter_id: int, fmt: str = "html") -> str | bytes:
    """The 三联 letter (存根 / 介绍信 / 回执) as an HTML page or a PDF."""
    data = letter_data(_letter(session, letter_id))
    return render_letter_pdf(data) if fmt == "pdf" else render_letter_html(data)


def print_member_form(session: Session, letter_id: int, fmt: str = "html") -> str | bytes:
    """The 党员基本信息采集表 that goes with the letter."""
    letter = _letter(session, letter_id)
    case = session.get(TransferCase, letter.case_id)
    if case is None or case.member_id is None:
        raise NotFound(f"letter {letter_id} has no member")
    issuer = session.scalar(select(Org).where(Org.id == letter.issuer_org_id))
    assert issuer is not None
    data = member_form_data(session, case.member_id, issuer_org_id=issuer.id,
                            filled_on=letter.issued_at.date(),
                            to_org_name=str(letter.data.get("to_org_name") or ""),
                            letter_serial=letter_data(letter).serial)
    return render_member_form_pdf(data) if fmt == "pdf" else render_member_form_html(data)


def case_letters(session: Session, case_id: int) -> list[Letter]:
    """The paper letters of a case, oldest first."""
    return list(session.scalars(select(Letter).where(Letter.case_id == case_id,
                                                     Letter.kind == "transfer")
                                .order_by(Letter.id)))
