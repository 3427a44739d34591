"""Set-based pieces of the dashboard's figures: local days and months of timestamps in SQL,
working days of grouped (created day, completed day) pairs, and percentiles of grouped values.

The dashboard used to read every task of a period into Python; these helpers let the database
group the rows first, so Python only sees one row per distinct value (a few hundred, not
100,000). The results are the same numbers (tests/managers/test_dashboard_reference.py).

Days are Asia/Shanghai days. Its offset is +08:00 without daylight saving since 1991, so on
SQLite (which knows no time zones) the local day is the UTC instant plus eight hours.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, case, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from app.db import UtcDateTime
from app.workcal import Calendar


class local_day(FunctionElement[str]):  # used like a SQL function
    """The Asia/Shanghai day of a UTC timestamp column: text YYYY-MM-DD (SQLite) or the
    number of days since 1970-01-01 (PostgreSQL); :func:`as_date` reads either."""

    type = String()
    name = "local_day"
    inherit_cache = True


@compiles(local_day, "postgresql")
def _local_day_pg(element: local_day, compiler: SQLCompiler, **kw: Any) -> str:
    # the day number since 1970-01-01 (Shanghai): arithmetic, much cheaper than to_char
    column = compiler.process(element.clauses, **kw)
    return f"CAST(floor((EXTRACT(EPOCH FROM {column}) + 28800) / 86400) AS INTEGER)"


@compiles(local_day)
def _local_day_sqlite(element: local_day, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"date({column}, '+8 hours')"


def bucket(column: Any, bounds: list[datetime]) -> ColumnElement[Any]:
    """The index i of the interval [bounds[i], bounds[i+1]) holding *column* (rows must be
    limited to [bounds[0], bounds[-1]) by the query): a portable CASE over the bounds."""
    whens = [(column < literal(b, UtcDateTime()), i) for i, b in enumerate(bounds[1:-1])]
    return case(*whens, else_=len(bounds) - 2) if whens else literal(0)


def month_mask(due: Any, until: Any, spans: list[tuple[datetime, datetime]]
               ) -> ColumnElement[int]:
    """The bits i of the intervals [start_i, end_i) of *spans* (ascending and contiguous, at
    most 30) that the interval [due, until) meets (due < end_i and until > start_i): a run of
    bits lo..hi, lo the first span ending after due, hi the last starting before until."""
    at = [(literal(a, UtcDateTime()), literal(b, UtcDateTime())) for a, b in spans]
    lo = case(*[(due < end, i) for i, (_, end) in enumerate(at)], else_=len(at))
    hi = case(*[(until > start, i) for i, (start, _) in reversed(list(enumerate(at)))],
              else_=-1)
    one = literal(1, Integer())
    # bits 0..hi, and (two's complement) the bits from lo up: both once, no CASE between
    upto = one.op("<<", return_type=Integer())(hi + 1) - 1
    return upto.op("&", return_type=Integer())(-one.op("<<", return_type=Integer())(lo))


def mask_counts(rows: Iterable[Any], size: int) -> list[int]:
    """From (mask, count) rows: per bit 0..size-1, the count of the masks with it set."""
    result = [0] * size
    for mask, n in rows:
        for i in range(size):
            if int(mask or 0) >> i & 1:
                result[i] += int(n)
    return result


EPOCH = date(1970, 1, 1)


def as_date(value: Any) -> date:
    """The date of a :class:`local_day` value."""
    if isinstance(value, int):
        return EPOCH + timedelta(days=value)
    return date.fromisoformat(str(value))


def day_spans(cal: Calendar, rows: Iterable[Any]) -> dict[str, dict[int, int]]:
    """From (step, created day, completed day, count) rows: per step, working days used →
    how many tasks used them (working days after the created day up to the completed day)."""
    memo: dict[tuple[Any, Any], int] = {}
    result: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for spec, created, completed, n in rows:
        key = (created, completed)
        if key not in memo:
            memo[key] = cal.working_days_between(as_date(created), as_date(completed))
        result[spec][memo[key]] += int(n)
    return result


def _nth(ordered: list[tuple[int, int]], k: int) -> int:
    """The k-th (0-based) value of the sorted multiset given as (value, count) pairs."""
    seen = 0
    for value, n in ordered:
        seen += n
        if k < seen:
            return value
    raise IndexError(k)


def median(counts: dict[int, int]) -> float | int:
    """statistics.median of the multiset *counts* (value → how many; not empty)."""
    ordered = sorted(counts.items())
    total = sum(counts.values())
    if total % 2:
        return _nth(ordered, total // 2)
    return (_nth(ordered, total // 2 - 1) + _nth(ordered, total // 2)) / 2


def nearest_rank(counts: dict[int, int], share: float) -> int:
    """The nearest-rank percentile of the multiset *counts* (the smallest value with at least
    *share* of the values at or below it)."""
    total = sum(counts.values())
    return _nth(sorted(counts.items()), max(0, math.ceil(share * total) - 1))
