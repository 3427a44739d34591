"""The paper letter (三联: 存根 / 介绍信 / 回执) and the 党员基本信息采集表 as HTML and PDF.

One Jinja2 template per document (handlers/letters/templates/) gives a standalone A4 print
page; the PDF is WeasyPrint's rendering of that same page, with the installed CJK font
(handlers/letters/fonts.py) first in the font stack and embedded, so the PDF and the
browser's print look alike. The print CSS sets ``@page { margin: 0 }`` so that browsers
have no margin to print their own header and footer in; the sheet pads itself instead.

The documents show the full 公民身份号码: they are the official paper that the issuing
organisation stamps (see handlers/letters/data.py).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from handlers.letters.data import (
    ARCHIVE_HANDLING_LABELS,
    CATEGORY_LABELS,
    LetterData,
    LetterDataError,
    MemberFormData,
    age_on,
    format_serial,
)
from handlers.letters.fonts import CjkFont, CjkFontMissing, find_cjk_font
from handlers.letters.numerals import (
    capital_date,
    capital_number,
    capital_year_month,
    parse_year_month,
)

__all__ = [
    "ARCHIVE_HANDLING_LABELS",
    "CATEGORY_LABELS",
    "CjkFont",
    "CjkFontMissing",
    "LetterData",
    "LetterDataError",
    "MemberFormData",
    "age_on",
    "find_cjk_font",
    "format_serial",
    "render_letter_html",
    "render_letter_pdf",
    "render_member_form_html",
    "render_member_form_pdf",
]

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Browsers use what the office PC has (宋体 on Windows); the PDF puts the installed font first.
SCREEN_FONTS = ('"Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "宋体", '
                '"Songti SC", "STSong", serif')


def cn_date(day: date | None) -> str:
    """A date as written on screen and on forms: 2026年11月26日 (empty for None)."""
    return "" if day is None else f"{day.year}年{day.month}月{day.day}日"


def cn_year_month(value: str) -> str:
    """"2026-11" → 2026年11月."""
    year, month = parse_year_month(value)
    return f"{year}年{month}月"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "css"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        capital_number=capital_number,
        capital_date=capital_date,
        capital_year_month=capital_year_month,
        cn_date=cn_date,
        cn_year_month=cn_year_month,
    )
    return env


def _render(template: str, font_stack: str, **context: Any) -> str:
    return _environment().get_template(template).render(font_stack=font_stack, **context)


def _pdf(html: str) -> bytes:
    """WeasyPrint's rendering of *html*; imported here so HTML needs no PDF libraries."""
    from weasyprint import HTML

    pdf = HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    if not pdf:
        raise RuntimeError("WeasyPrint produced no PDF")
    return bytes(pdf)


def _pdf_fonts() -> str:
    font = find_cjk_font()
    return f'"{font.family}", {SCREEN_FONTS}'


def render_letter_html(data: LetterData) -> str:
    """The A4 print page of the 三联 letter (存根 / 介绍信 / 回执) as a standalone document."""
    return _render("letter.html", SCREEN_FONTS, letter=data)


def render_letter_pdf(data: LetterData) -> bytes:
    """The same letter as a PDF with the CJK font embedded; CjkFontMissing without one."""
    return _pdf(_render("letter.html", _pdf_fonts(), letter=data))


def render_member_form_html(data: MemberFormData) -> str:
    """The A4 print page of the 党员基本信息采集表 as a standalone document."""
    return _render("member_form.html", SCREEN_FONTS, form=data)


def render_member_form_pdf(data: MemberFormData) -> bytes:
    """The same form as a PDF with the CJK font embedded; CjkFontMissing without one."""
    return _pdf(_render("member_form.html", _pdf_fonts(), form=data))
