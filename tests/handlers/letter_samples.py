"""Letters and forms for the tests: a usual one and one with every field at its limit."""

from __future__ import annotations

import dataclasses
from datetime import date

from handlers.letters.data import (
    FORM_MAX_LENGTHS,
    LETTER_MAX_LENGTHS,
    LetterData,
    MemberFormData,
)

ID_NUMBER = "43010219900101123X"


def sample_letter(**changes: object) -> LetterData:
    """A letter out of the province, as the issuer prints it."""
    letter = LetterData(
        serial_number=12, year=2026, member_name="张三", gender="男", age=36,
        ethnicity="汉族", id_number=ID_NUMBER, category="full",
        from_org_name="中共长沙市岳麓区某某街道第一党支部委员会",
        to_org_name="中共武汉市洪山区某某社区委员会", to_province="湖北省",
        to_address="湖北省武汉市洪山区珞喻路1号", dues_paid_until="2026-11",
        validity_days=30, issued_on=date(2026, 11, 26),
        issuer_org_name="中共长沙市岳麓区委组织部", contact_phone="0731-88880000",
        reason="工作调动", archive_handling="with_letter", member_phone="13812345678",
        operator_name="李四",
    )
    return dataclasses.replace(letter, **changes)  # type: ignore[arg-type]


def sample_form(**changes: object) -> MemberFormData:
    """The member information form that goes with sample_letter()."""
    form = MemberFormData(
        name="张三", gender="男", ethnicity="汉族", birth_date=date(1990, 1, 1),
        id_number=ID_NUMBER, category="full", joined_on=date(2015, 7, 1),
        branch_name="中共长沙市岳麓区某某街道第一党支部委员会", dues_paid_until="2026-11",
        phone="13812345678", filled_on=date(2026, 11, 26),
        issuer_org_name="中共长沙市岳麓区委组织部",
        to_org_name="湖北省中共武汉市洪山区某某社区委员会",
        letter_serial="〔2026〕第 12 号", full_member_on=date(2016, 7, 1),
    )
    return dataclasses.replace(form, **changes)  # type: ignore[arg-type]


def _fill(limit: int) -> str:
    # Wide characters only, the widest case for the layout.
    return ("中共湖南省长沙市岳麓区橘子洲街道" * 10)[:limit]


def longest_letter() -> LetterData:
    """Every text field at its limit, the long archive wording, the longest validity."""
    wide = {k: _fill(v) for k, v in LETTER_MAX_LENGTHS.items() if "phone" not in k}
    wide["gender"] = "男"
    return sample_letter(
        archive_handling="sealed_copy", validity_days=90, serial_number=99_999,
        contact_phone="0" * LETTER_MAX_LENGTHS["contact_phone"],
        member_phone="1" * LETTER_MAX_LENGTHS["member_phone"], **wide,
    )


def longest_form() -> MemberFormData:
    """Every text field of the form at its limit."""
    wide = {k: _fill(v) for k, v in FORM_MAX_LENGTHS.items() if k != "phone"}
    wide["gender"] = "女"
    return sample_form(phone="1" * FORM_MAX_LENGTHS["phone"], **wide)
