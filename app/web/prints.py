"""Print views: the paper letter (存根 / 介绍信 / 回执) and the 党员基本信息采集表, as A4 pages
and PDFs, for the operators of the organisation that issued the letter (both carry the full
公民身份号码; app.policy.require_print_letter).

The print pages are the standalone documents of handlers/letters (their print CSS sets
``@page { margin: 0 }`` so browsers print no header or footer); the PDF is WeasyPrint's
rendering of the same page.
"""

from __future__ import annotations

from flask import Blueprint, Response
from flask_login import login_required

from app.models.case import Letter
from app.services import letter_prints
from app.web.support import db, me

bp = Blueprint("prints", __name__, url_prefix="/letters")

# The letter templates carry their print CSS inline (<style> and a few style attributes), so
# that the page is one self-contained document, identical to what the PDF renders. They run
# no script: scripts stay forbidden; only inline styles are allowed, on these responses only.
PRINT_CSP = ("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
             "font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


def _letter(letter_id: int) -> Letter:
    return letter_prints.letter_for_print(db(), me(), letter_id)


def _html(body: str | bytes) -> Response:
    response = Response(body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PRINT_CSP
    return response


def _pdf(body: str | bytes, name: str) -> Response:
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _file_name(letter: Letter, what: str) -> str:
    return f"{what}-{letter.year}-{letter.serial or letter.id}.pdf"


@bp.get("/<int:letter_id>/print")
@login_required  # type: ignore[misc]
def letter(letter_id: int) -> Response:
    """The 三联 letter as an A4 print page."""
    found = _letter(letter_id)
    return _html(letter_prints.print_letter(db(), found.id, "html"))


@bp.get("/<int:letter_id>.pdf")
@login_required  # type: ignore[misc]
def letter_pdf(letter_id: int) -> Response:
    """The 三联 letter as a PDF download."""
    found = _letter(letter_id)
    return _pdf(letter_prints.print_letter(db(), found.id, "pdf"), _file_name(found, "letter"))


@bp.get("/<int:letter_id>/member-form")
@login_required  # type: ignore[misc]
def member_form(letter_id: int) -> Response:
    """The 党员基本信息采集表 that goes with the letter, as an A4 print page."""
    found = _letter(letter_id)
    return _html(letter_prints.print_member_form(db(), found.id, "html"))


@bp.get("/<int:letter_id>/member-form.pdf")
@login_required  # type: ignore[misc]
def member_form_pdf(letter_id: int) -> Response:
    """The 党员基本信息采集表 as a PDF download."""
    found = _letter(letter_id)
    return _pdf(letter_prints.print_member_form(db(), found.id, "pdf"),
                _file_name(found, "member-form"))
