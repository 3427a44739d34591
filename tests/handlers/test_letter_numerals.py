"""Capital numerals: known values from letters, and round trips through an independent parser."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.letters.numerals import (
    MAX_NUMBER,
    capital_date,
    capital_digits,
    capital_number,
    capital_year,
    capital_year_month,
    parse_year_month,
)

DIGIT_VALUES = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
UNIT_POWERS = {"拾": 1, "佰": 2, "仟": 3}


def _parse_group(text: str) -> int:
    """A group below 10000: digit+unit pairs with strictly falling units, 零 between them."""
    value, last_power, i = 0, 4, 0
    while i < len(text):
        char = text[i]
        if char == "零":
            assert 0 < i < len(text) - 1, f"零 at an edge of {text!r}"
            assert text[i + 1] != "零", f"double 零 in {text!r}"
            i += 1
            continue
        digit = DIGIT_VALUES[char]
        assert digit > 0, text
        power = UNIT_POWERS.get(text[i + 1], 0) if i + 1 < len(text) else 0
        assert power < last_power, f"units do not fall in {text!r}"
        value += digit * 10**power
        last_power = power
        i += 2 if power else 1
    return value


def parse_capital(text: str) -> int:
    """Inverse of capital_number, written independently of it."""
    if text == "零":
        return 0
    if text.startswith("拾"):
        text = "壹" + text  # the head-of-number shortening: 拾伍 is 壹拾伍
    upper, sep, lower = text.partition("万")
    if not sep:
        return _parse_group(upper)
    assert "万" not in lower, text
    if lower.startswith("零"):
        lower = lower[1:]
    return _parse_group(upper) * 10_000 + (_parse_group(lower) if lower else 0)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "零"), (1, "壹"), (9, "玖"), (10, "拾"), (11, "拾壹"), (15, "拾伍"), (20, "贰拾"),
        (30, "叁拾"), (90, "玖拾"), (99, "玖拾玖"), (100, "壹佰"), (101, "壹佰零壹"),
        (105, "壹佰零伍"), (110, "壹佰壹拾"), (111, "壹佰壹拾壹"), (1000, "壹仟"),
        (1005, "壹仟零伍"), (1010, "壹仟零壹拾"), (1050, "壹仟零伍拾"), (1500, "壹仟伍佰"),
        (2026, "贰仟零贰拾陆"), (9999, "玖仟玖佰玖拾玖"), (10000, "壹万"), (10001, "壹万零壹"),
        (10010, "壹万零壹拾"), (10500, "壹万零伍佰"), (15000, "壹万伍仟"), (100000, "拾万"),
        (100100, "拾万零壹佰"), (101000, "拾万壹仟"), (110000, "拾壹万"),
        (1000100, "壹佰万零壹佰"), (20000010, "贰仟万零壹拾"),
        (MAX_NUMBER, "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖"),
    ],
)
def test_capital_number_known_values(n: int, expected: str) -> None:
    assert capital_number(n) == expected


@pytest.mark.parametrize("bad", [-1, MAX_NUMBER + 1, 10**12])
def test_capital_number_refuses_out_of_range(bad: int) -> None:
    with pytest.raises(ValueError, match="supports"):
        capital_number(bad)


@pytest.mark.parametrize("bad", [True, 3.0, "3"])
def test_capital_number_refuses_non_int(bad: object) -> None:
    with pytest.raises(TypeError):
        capital_number(bad)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=MAX_NUMBER))
def test_capital_number_round_trips(n: int) -> None:
    assert parse_capital(capital_number(n)) == n


@given(st.integers(min_value=1, max_value=MAX_NUMBER))
def test_capital_number_is_canonical(n: int) -> None:
    text = capital_number(n)
    assert re.fullmatch(r"[零壹贰叁肆伍陆柒捌玖拾佰仟万]+", text)
    assert "零零" not in text and not text.startswith("零") and not text.endswith("零")
    assert not text.startswith("壹拾")
    assert "零万" not in text and not text.endswith("万零")


@given(st.integers(min_value=10, max_value=19))
def test_ten_to_nineteen_drop_the_one(n: int) -> None:
    assert capital_number(n) == "拾" + ("" if n == 10 else "壹贰叁肆伍陆柒捌玖"[n - 11])


def test_years_are_read_digit_by_digit() -> None:
    assert capital_year(2026) == "贰零贰陆"
    assert capital_year(2000) == "贰零零零"
    assert capital_year(1949) == "壹玖肆玖"
    assert capital_digits(0) == "零"
    with pytest.raises(ValueError):
        capital_year(0)
    with pytest.raises(ValueError):
        capital_year(10000)
    with pytest.raises(ValueError):
        capital_digits(-5)


def test_capital_date_and_month() -> None:
    assert capital_date(date(2026, 11, 26)) == "贰零贰陆年拾壹月贰拾陆日"
    assert capital_date(date(2026, 10, 10)) == "贰零贰陆年拾月拾日"
    assert capital_date(date(2027, 1, 1)) == "贰零贰柒年壹月壹日"
    assert capital_date(date(2026, 12, 31)) == "贰零贰陆年拾贰月叁拾壹日"
    assert capital_year_month("2026-11") == "贰零贰陆年拾壹月"
    assert capital_year_month("2027-01") == "贰零贰柒年壹月"


@pytest.mark.parametrize("bad", ["2026-13", "2026-00", "2026-1", "26-11", "2026/11", "", "0000-05"])
def test_year_month_refuses_malformed(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_year_month(bad)
    with pytest.raises(ValueError):
        capital_year_month(bad)


def _parse_date(text: str) -> date:
    match = re.fullmatch(r"(.{4})年(.+)月(.+)日", text)
    assert match, text
    year = int("".join(str(DIGIT_VALUES[c]) for c in match.group(1)))
    return date(year, parse_capital(match.group(2)), parse_capital(match.group(3)))


@given(st.dates(min_value=date(1000, 1, 1)))
def test_capital_date_round_trips(day: date) -> None:
    assert _parse_date(capital_date(day)) == day


@given(st.integers(min_value=1000, max_value=9999), st.integers(min_value=1, max_value=12))
def test_capital_year_month_round_trips(year: int, month: int) -> None:
    text = capital_year_month(f"{year:04d}-{month:02d}")
    assert _parse_date(text + "壹日") == date(year, month, 1)
