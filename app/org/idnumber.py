"""公民身份号码 (GB 11643-1999): the check digit, validation, masking and generation of fakes."""

from __future__ import annotations

import re
from datetime import date
from operator import mul

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^[1-9]\d{16}[\dX]$")


def check_digit(first17: str) -> str:
    """The 18th character for the 17 digits *first17* (ISO 7064 MOD 11-2)."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("a check digit needs exactly 17 digits")
    total = sum(map(mul, map(int, first17), _WEIGHTS))
    return _CHECK[total % 11]


def normalize(value: str) -> str:
    """The number with surrounding spaces removed and a final ``x`` written ``X``."""
    return value.strip().upper()


def id_number_error(value: str) -> str | None:
    """Why *value* is not a valid 18-digit 公民身份号码, or None when it is."""
    number = normalize(value)
    if not _SHAPE.match(number):
        return f"公民身份号码 {mask(number)!r} must be 17 digits and a digit or X"
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return f"公民身份号码 {mask(number)} holds no valid birth date"
    expected = check_digit(number[:17])
    if number[17] != expected:
        return f"公民身份号码 {mask(number)} has a wrong check digit"
    return None


def birth_date_of(number: str) -> date:
    """The birth date written in a valid 公民身份号码."""
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def mask(number: str) -> str:
    """``4301**********1234``: the first and last four characters only."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def make_id_number(region: str, born: date, sequence: int) -> str:
    """A well-formed number for *region* (6 digits), *born* and a 3-digit *sequence*
    (odd for men, even for women) — for generated demo and test data only."""
    if len(region) != 6 or not region.isdigit() or not 0 <= sequence <= 999:
        raise ValueError("region must be 6 digits and sequence 0..999")
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)
