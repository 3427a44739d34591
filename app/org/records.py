"""Member records (党员基本信息采集表): parsing and validation of one member's fields,
shared by the YAML loader and the spreadsheet import. Pure: no database."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from app.org.idnumber import id_number_error, normalize

MEMBER_FIELDS: tuple[str, ...] = (
    "code", "name", "gender", "ethnicity", "birth_date", "id_number", "category", "branch",
    "joined_on", "dues_paid_until", "phone",
)
OPTIONAL_FIELDS = frozenset({"phone"})
GENDERS = ("男", "女")
#: Accepted spellings of the category, mapped to the stored value.
CATEGORIES: dict[str, str] = {
    "full": "full", "probationary": "probationary",
    "正式党员": "full", "预备党员": "probationary", "正式": "full", "预备": "probationary",
}
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
_DATE_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_MONTH_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_PHONE_RE = re.compile(r"^[0-9+\- ]{5,20}$")


@dataclass(frozen=True)
class MemberRecord:
    """One member as a file or a spreadsheet gives it; ``branch`` is the branch's code."""

    code: str
    name: str
    gender: str
    ethnicity: str
    birth_date: date
    id_number: str
    category: str
    branch: str
    joined_on: date
    dues_paid_until: str
    phone: str | None = None


def parse_date(value: object) -> date:
    """A date from a date, a datetime or text ``YYYY-MM-DD`` (also ``/`` or ``.``)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")
    return _date_text(value)


@lru_cache(maxsize=65536)
def _date_text(value: str) -> date:
    """The date a text holds; cached, as a sheet of members repeats its dates (a refusal
    raises and is not cached)."""
    match = _DATE_RE.match(value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")
    year, month, day = map(int, match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{value!r} is not a valid date") from None


def parse_year_month(value: object) -> str:
    """``YYYY-MM`` from text ``YYYY-MM`` (also ``/`` or ``.``) or a date."""
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}"
    match = _MONTH_RE.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"{value!r} is not a year and month (YYYY-MM)")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or year < 1900:
        raise ValueError(f"{value!r} is not a valid year and month")
    return f"{year:04d}-{month:02d}"


def _text(raw: Mapping[str, object], key: str, limit: int, errors: list[str]) -> str:
    value = raw.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        errors.append(f"{key} is missing")
        return ""
    text = value.strip()
    if len(text) > limit:
        errors.append(f"{key} is longer than {limit} characters")
    return text


def _field(raw: Mapping[str, object], key: str, parse: Callable[[object], object],
           errors: list[str]) -> object:
    value = raw.get(key)
    if value is None or value == "":
        errors.append(f"{key} is missing")
        return None
    try:
        return parse(value)
    except ValueError as exc:
        errors.append(f"{key}: {exc}")
        return None


def _id_number(raw: Mapping[str, object], errors: list[str]) -> str:
    value = raw.get("id_number")
    if isinstance(value, float):
        errors.append("id_number is stored as a number and lost its digits: store it as text")
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        errors.append("id_number is missing")
        return ""
    problem = id_number_error(value)
    if problem:
        errors.append(problem)
    return normalize(value)


def _check_dates(born: object, joined: object, today: date, errors: list[str]) -> None:
    if isinstance(born, date) and born > today:
        errors.append(f"birth_date {born} is in the future")
    if isinstance(joined, date):
        if joined > today:
            errors.append(f"joined_on {joined} is in the future")
        if isinstance(born, date) and joined <= born:
            errors.append(f"joined_on {joined} is not after birth_date {born}")


def parse_member(raw: Mapping[str, object],
                 today: date | None = None) -> tuple[MemberRecord | None, list[str]]:
    """Validate one member's fields; returns the record, or None and every problem found."""
    errors: list[str] = []
    code = _text(raw, "code", 64, errors)
    if code and not CODE_RE.match(code):
        errors.append(f"code {code!r} may hold only letters, digits, '-', '_' and '.'")
    name = _text(raw, "name", 100, errors)
    gender = _text(raw, "gender", 4, errors)
    if gender and gender not in GENDERS:
        errors.append(f"gender {gender!r} must be 男 or 女")
    ethnicity = _text(raw, "ethnicity", 20, errors)
    born = _field(raw, "birth_date", parse_date, errors)
    id_number = _id_number(raw, errors)
    category_text = _text(raw, "category", 16, errors)
    category = CATEGORIES.get(category_text)
    if category_text and category is None:
        errors.append(f"category {category_text!r} must be 正式党员 (full) or 预备党员 "
                      "(probationary)")
    branch = _text(raw, "branch", 64, errors)
    joined = _field(raw, "joined_on", parse_date, errors)
    dues = _field(raw, "dues_paid_until", parse_year_month, errors)
    phone = raw.get("phone")
    phone_text = None if phone is None or phone == "" else str(phone).strip()
    if phone_text is not None and not _PHONE_RE.match(phone_text):
        errors.append(f"phone {phone_text!r} must be 5 to 20 digits, '+', '-' or spaces")
    _check_dates(born, joined, today or date.today(), errors)
    if errors:
        return None, errors
    assert isinstance(born, date) and isinstance(joined, date) and isinstance(dues, str)
    assert category is not None
    return MemberRecord(code, name, gender, ethnicity, born, id_number, category, branch,
                        joined, dues, phone_text), []
