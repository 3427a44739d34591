"""The dashboard's figures as tables in words: the same rows on the page, in its charts'
data and in the CSV/XLSX exports, so the numbers agree everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.memo import remembering
from app.models.case import CASE_KINDS, CASE_STATUSES, REFUSE_REASONS, SEND_BACK_REASONS
from app.models.user import User
from app.services import dashboard
from app.services.case_filters import DECISIONS, CaseFilter
from app.services.dashboard import Count, Scope
from app.services.diagram_shapes import step_names

REASONS = {**SEND_BACK_REASONS, **REFUSE_REASONS}


@dataclass
class Cell:
    """A value and, for a count, the cases list behind it."""

    value: Any
    filter: CaseFilter | None = None


@dataclass
class Table:
    """One figure as a table."""

    name: str
    title: str
    header: list[str]
    rows: list[list[Cell]]

    def plain(self) -> list[list[Any]]:
        """Header and values (exports)."""
        return [list(self.header)] + [[c.value for c in row] for row in self.rows]


def _num(value: float) -> float | int:
    """A median as shown: 4 rather than 4.0, 0.5 as it is."""
    return int(value) if float(value).is_integer() else round(float(value), 1)


def _open(rows: list[Count]) -> Table:
    return Table("open", "在办案件（按转接类型、状态）", ["转接类型", "状态", "案件数"], [
        [Cell(CASE_KINDS.get(r.key[0], r.key[0])), Cell(CASE_STATUSES.get(r.key[1], r.key[1])),
         Cell(r.cases, r.filter)] for r in rows])


def _late(rows: list[Count], steps: dict[str, str]) -> Table:
    out = []
    for i, r in enumerate(rows, start=1):
        detail = "；".join(f"{steps.get(s.key[0], s.key[0])} {s.cases} 件"
                          for s in r.extra["steps"])
        out.append([Cell(i), Cell(r.key[1]), Cell(r.cases, r.filter), Cell(r.tasks),
                    Cell(r.extra["open_now"]), Cell(detail)])
    return Table("late", "超期党组织排名（期间内有超期环节）",
                 ["排名", "党组织", "超期案件数", "超期环节次数", "其中至今未办结", "超期环节"],
                 out)


def _times(rows: list[Count], steps: dict[str, str]) -> Table:
    return Table("times", "各环节办理用时（工作日，期间内办结）",
                 ["环节", "办结次数", "涉及案件", "中位数", "第90百分位", "时限", "超出时限次数"], [
        [Cell(steps.get(r.key[0], r.key[0])), Cell(r.tasks), Cell(r.cases, r.filter),
         Cell(_num(r.extra["median"])), Cell(r.extra["p90"]),
         Cell(r.extra["limit"] if r.extra["limit"] is not None else "—"), Cell(r.extra["over"])]
        for r in rows])


def _decisions(rows: list[Count]) -> Table:
    return Table("decisions", "退回与不予转接（按党组织、原因）",
                 ["党组织", "办理结论", "原因", "次数", "涉及案件"], [
        [Cell(r.key[1]), Cell(DECISIONS.get(r.key[2], r.key[2])),
         Cell(REASONS.get(r.key[3], r.key[3] or "未注明")), Cell(r.tasks),
         Cell(r.cases, r.filter)] for r in rows])


def _monthly(rows: list[Count]) -> Table:
    return Table("monthly", "月度趋势", ["月份", "发起案件", "结束案件", "有超期环节的案件"], [
        [Cell(r.key[0]), Cell(r.cases, r.filter),
         Cell(r.extra["ended"], r.extra["ended_filter"]),
         Cell(r.extra["late"], r.extra["late_filter"])] for r in rows])


BUILDERS: dict[str, Callable[..., list[Count]]] = {
    "open": dashboard.open_cases, "late": dashboard.late_by_org,
    "times": dashboard.step_times, "decisions": dashboard.decisions,
    "monthly": dashboard.monthly,
}


def tables(session: Session, user: User, scope: Scope, now: datetime,
           only: str | None = None) -> dict[str, Table]:
    """Every figure of the dashboard as a table (or just *only*)."""
    with remembering(session):
        return _tables(session, user, scope, now, only)


def _tables(session: Session, user: User, scope: Scope, now: datetime,
            only: str | None) -> dict[str, Table]:
    steps = step_names(session)
    made: dict[str, Table] = {}
    for name, build in BUILDERS.items():
        if only is not None and name != only:
            continue
        rows = build(session, user, scope, now)
        if name == "open":
            made[name] = _open(rows)
        elif name == "late":
            made[name] = _late(rows, steps)
        elif name == "times":
            made[name] = _times(rows, steps)
        elif name == "decisions":
            made[name] = _decisions(rows)
        else:
            made[name] = _monthly(rows)
    return made
