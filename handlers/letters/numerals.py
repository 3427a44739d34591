"""Chinese capital numerals (大写数字) for the paper letter: validity, dues month and dates.

The national letter writes its figures in capitals so that they cannot be altered by hand
(有效期叁拾天, 党费交到贰零贰陆年拾壹月, 贰零贰陆年拾壹月贰拾陆日). The conventions used here:

* Digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟, and 万 for the group of ten thousands;
  numbers from 0 to 99 999 999 are supported.
* Zeros between non-zero digits are written as one 零 (105 壹佰零伍, 1005 壹仟零伍,
  1050 壹仟零伍拾); trailing zeros are not written (1500 壹仟伍佰, 30 叁拾).
* Across 万: zeros at the end of the upper group are not written (101000 拾万壹仟), and a
  lower group below 1000 is introduced by 零 (100100 拾万零壹佰, 10010 壹万零壹拾).
* 10–19 at the head of a number are written 拾, 拾壹 … 拾玖 — the usage of letters and of
  dates on them (拾月, 拾壹月, 拾伍天), also for 拾万 (100000); inside a number the 壹 is
  kept (110 壹佰壹拾, 10010 壹万零壹拾).
* Years are read digit by digit (2026 贰零贰陆), as dates are written in Chinese.
"""

from __future__ import annotations

import re
from datetime import date

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_WAN = "万"
MAX_NUMBER = 99_999_999
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _group(n: int) -> str:
    """0 < n < 10000 in capitals, without the head-of-number 拾 shortening."""
    out: list[str] = []
    pending_zero = False
    for power in (3, 2, 1, 0):
        digit = n // 10**power % 10
        if digit == 0:
            pending_zero = bool(out)  # only a zero after a written digit can need 零
            continue
        if pending_zero:
            out.append(DIGITS[0])
            pending_zero = False
        out.append(DIGITS[digit] + _UNITS[power])
    return "".join(out)


def capital_number(n: int) -> str:
    """*n* (0 ≤ n ≤ 99 999 999) in capital numerals: 30 → 叁拾, 105 → 壹佰零伍, 10 → 拾."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"capital_number needs an int, not {type(n).__name__}")
    if n < 0 or n > MAX_NUMBER:
        raise ValueError(f"capital_number supports 0..{MAX_NUMBER}, not {n}")
    if n == 0:
        return DIGITS[0]
    upper, lower = divmod(n, 10_000)
    text = ""
    if upper:
        text = _group(upper) + _WAN
        if 0 < lower < 1000:
            text += DIGITS[0]
    if lower:
        text += _group(lower)
    # 10–19 at the head of the number: 拾 rather than 壹拾 (拾月, 拾伍天, 拾万).
    if text.startswith("壹拾"):
        text = text[1:]
    return text


def capital_digits(n: int) -> str:
    """*n* ≥ 0 read digit by digit: 2026 → 贰零贰陆 (years, serials read aloud)."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"capital_digits needs an int, not {type(n).__name__}")
    if n < 0:
        raise ValueError(f"capital_digits needs a number ≥ 0, not {n}")
    return "".join(DIGITS[int(d)] for d in str(n))


def capital_year(year: int) -> str:
    """A year (1–9999) digit by digit: 2026 → 贰零贰陆."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError(f"capital_year needs an int, not {type(year).__name__}")
    if not 1 <= year <= 9999:
        raise ValueError(f"year out of range: {year}")
    return capital_digits(year)


def capital_date(day: date) -> str:
    """A date in capitals: 2026-11-26 → 贰零贰陆年拾壹月贰拾陆日."""
    return (
        f"{capital_year(day.year)}年{capital_number(day.month)}月"
        f"{capital_number(day.day)}日"
    )


def parse_year_month(value: str) -> tuple[int, int]:
    """Split "YYYY-MM" (e.g. dues paid until) into (year, month); ValueError when malformed."""
    match = _YEAR_MONTH.match(value)
    if not match:
        raise ValueError(f"expected YYYY-MM, got {value!r}")
    year, month = int(match.group(1)), int(match.group(2))
    if year < 1 or not 1 <= month <= 12:
        raise ValueError(f"no such month: {value!r}")
    return year, month


def capital_year_month(value: str) -> str:
    """A "YYYY-MM" month in capitals: "2026-11" → 贰零贰陆年拾壹月."""
    year, month = parse_year_month(value)
    return f"{capital_year(year)}年{capital_number(month)}月"
