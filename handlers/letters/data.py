"""What a paper letter and a member information form print: plain, validated data.

The fields follow the national letter (组通字〔2006〕45号 form, PROCEDURES.md "The electronic
letter"). Both documents are official paper and carry the full 公民身份号码: masking
(UI.md "Privacy") applies to screens, not to the document the organisation stamps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from handlers.letters.numerals import parse_year_month

MAX_VALIDITY_DAYS = 90
CATEGORY_LABELS = {"full": "正式党员", "probationary": "预备党员"}
ARCHIVE_HANDLING_LABELS = {
    "with_letter": "档案随转",
    "sealed_copy": "档案暂不随转，《入党志愿书》复印件加盖公章密封后随转",
}
_ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
# Longest text each field may have so that the letter stays on one A4 sheet (a test prints
# a letter with every field at its limit); longer data is refused, never cut off.
LETTER_MAX_LENGTHS = {
    "member_name": 16, "gender": 2, "ethnicity": 6, "from_org_name": 30, "to_org_name": 30,
    "to_province": 8, "to_address": 40, "issuer_org_name": 30, "contact_phone": 20,
    "member_phone": 20, "reason": 20, "operator_name": 10,
}
FORM_MAX_LENGTHS = {
    "name": 20, "gender": 2, "ethnicity": 6, "branch_name": 60, "phone": 20,
    "issuer_org_name": 40, "to_org_name": 60, "education": 20, "occupation": 60,
    "native_place": 20, "address": 60,
}


class LetterDataError(ValueError):
    """A letter or form cannot be printed from these data; the message says which field."""


def format_serial(year: int, number: int) -> str:
    """The printed serial number: the year in 〔〕 and 第 N 号, e.g. "〔2026〕第 12 号"."""
    if number < 1:
        raise LetterDataError(f"serial number must be ≥ 1, not {number}")
    return f"〔{year}〕第 {number} 号"


def age_on(birth_date: date, on: date) -> int:
    """Full years of age on *on* (the letter shows the age on its date of issue)."""
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - int(before_birthday)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise LetterDataError(message)


def _check_lengths(data: object, limits: dict[str, int]) -> None:
    for name, limit in limits.items():
        value = getattr(data, name)
        _require(
            value is None or len(value) <= limit,
            f"{name} is longer than {limit} characters: {value!r}",
        )


def _check_common(category: str, id_number: str, dues_paid_until: str) -> None:
    _require(category in CATEGORY_LABELS, f"category must be full or probationary: {category!r}")
    _require(bool(_ID_NUMBER.match(id_number)), f"id_number must have 18 characters: {id_number!r}")
    try:
        parse_year_month(dues_paid_until)
    except ValueError as exc:
        raise LetterDataError(f"dues_paid_until: {exc}") from exc


@dataclass(frozen=True, kw_only=True)
class LetterData:
    """One 三联 letter (存根 / 介绍信 / 回执) as it is printed.

    ``to_province`` and ``to_address`` are given for a letter out of the province (Art. 10);
    ``dues_paid_until`` is "YYYY-MM"; ``archive_handling`` is a key of
    ARCHIVE_HANDLING_LABELS.
    """

    serial_number: int
    year: int
    member_name: str
    gender: str
    age: int
    ethnicity: str
    id_number: str
    category: str
    from_org_name: str
    to_org_name: str
    dues_paid_until: str
    validity_days: int
    issued_on: date
    issuer_org_name: str
    contact_phone: str
    reason: str
    archive_handling: str
    to_province: str | None = None
    to_address: str | None = None
    member_phone: str | None = None
    operator_name: str | None = None

    def __post_init__(self) -> None:
        _require(self.serial_number >= 1, f"serial_number must be ≥ 1: {self.serial_number}")
        _require(1 <= self.year <= 9999, f"year out of range: {self.year}")
        _require(
            1 <= self.validity_days <= MAX_VALIDITY_DAYS,
            f"validity_days must be 1..{MAX_VALIDITY_DAYS}: {self.validity_days}",
        )
        _require(0 < self.age < 150, f"age out of range: {self.age}")
        _require(
            self.archive_handling in ARCHIVE_HANDLING_LABELS,
            f"archive_handling must be one of {sorted(ARCHIVE_HANDLING_LABELS)}",
        )
        _check_common(self.category, self.id_number, self.dues_paid_until)
        for name in ("member_name", "from_org_name", "to_org_name", "issuer_org_name"):
            _require(bool(getattr(self, name).strip()), f"{name} is empty")
        _check_lengths(self, LETTER_MAX_LENGTHS)

    @property
    def serial(self) -> str:
        """The printed serial number, e.g. "〔2026〕第 12 号"."""
        return format_serial(self.year, self.serial_number)

    @property
    def category_label(self) -> str:
        """正式党员 or 预备党员."""
        return CATEGORY_LABELS[self.category]

    @property
    def archive_label(self) -> str:
        """How the archive travels, in words."""
        return ARCHIVE_HANDLING_LABELS[self.archive_handling]

    @property
    def destination(self) -> str:
        """Where the member goes: the province first when the letter leaves Hunan."""
        return f"{self.to_province}{self.to_org_name}" if self.to_province else self.to_org_name


@dataclass(frozen=True, kw_only=True)
class MemberFormData:
    """The 党员基本信息采集表 printed with a paper letter.

    The member fields zhuanjie keeps, plus optional ones that the paper form has; a field
    that is None prints as an empty cell to be filled in by hand.
    """

    name: str
    gender: str
    ethnicity: str
    birth_date: date
    id_number: str
    category: str
    joined_on: date
    branch_name: str
    dues_paid_until: str
    phone: str | None
    filled_on: date
    issuer_org_name: str
    to_org_name: str | None = None
    letter_serial: str | None = None
    full_member_on: date | None = None
    education: str | None = None
    occupation: str | None = None
    native_place: str | None = None
    address: str | None = None

    def __post_init__(self) -> None:
        _check_common(self.category, self.id_number, self.dues_paid_until)
        _require(bool(self.name.strip()), "name is empty")
        _require(self.birth_date < self.joined_on, "joined_on must be after birth_date")
        _check_lengths(self, FORM_MAX_LENGTHS)

    @property
    def category_label(self) -> str:
        """正式党员 or 预备党员."""
        return CATEGORY_LABELS[self.category]
