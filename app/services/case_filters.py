"""The filters of the cases list, as one value shared by the list, its export and the
dashboard's drill-downs (a figure and the list behind it are built from the same filter,
so their numbers agree).

Dates are days in Asia/Shanghai; a range ``from``–``to`` includes both days. Task filters
(step, task organisation, lateness, completion, decision) all apply to one and the same
human task of the case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any

from app.engine.clock import SHANGHAI
from app.models.case import CASE_KINDS, CASE_STATUSES

STATUS_GROUPS = {"open": "办理中（全部）", "closed": "已结束（全部）"}
SORTS = {
    "-created": "发起时间（新→旧）",
    "created": "发起时间（旧→新）",
    "-updated": "最近办理（新→旧）",
    "number": "案件编号",
    "due": "办理时限（最紧迫在前）",
}
DECISIONS = {"send_back": "退回", "refuse": "不予转接"}
PER_PAGE = (20, 50, 100)
_DATES = ("created_from", "created_to", "late_from", "late_to", "done_from", "done_to",
          "ended_from", "ended_to")
_FLAGS = ("overdue", "task_open")
_TEXTS = ("kind", "status", "org", "q", "step", "task_org", "task_under", "decision",
          "reason", "sort")


@dataclass(frozen=True)
class CaseFilter:
    """What the cases list shows. Empty strings and None mean "any"."""

    kind: str = ""
    status: str = ""            # a status code, "open" or "closed"
    org: str = ""               # cases touching this organisation's subtree
    q: str = ""                 # member name, 公民身份号码 or case number
    created_from: date | None = None
    created_to: date | None = None
    ended_from: date | None = None
    ended_to: date | None = None
    overdue: bool = False       # an open task of the case is past its due time now
    step: str = ""              # task filters: the task's BPMN element id
    task_org: str = ""          # ... its organisation (exactly)
    task_under: str = ""        # ... its organisation lies in this subtree
    task_open: bool = False     # ... it is open now
    late_from: date | None = None  # ... it was overdue at some moment of this period
    late_to: date | None = None
    done_from: date | None = None  # ... it was completed in this period
    done_to: date | None = None
    decision: str = ""          # ... its decision (send_back, refuse)
    reason: str = ""            # ... its reason code
    deployment: int | None = None  # the case runs this process version
    sort: str = "-created"

    def has_task_filter(self) -> bool:
        """Whether a task filter is set (the list then asks for one matching task)."""
        return bool(self.step or self.task_org or self.task_under or self.task_open
                    or self.late_from or self.late_to or self.done_from or self.done_to
                    or self.decision or self.reason)

    def to_args(self) -> dict[str, str]:
        """The non-default values as query-string arguments (links, pagination, export)."""
        args: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value == f.default or value in ("", None, False):
                continue
            args[f.name] = "1" if value is True else str(value)
        return args

    def replace(self, **changes: Any) -> CaseFilter:
        """A copy with *changes* (the dashboard makes thousands: a shallow copy, not
        dataclasses.replace, which calls __init__ with every field)."""
        unknown = changes.keys() - _FIELD_NAMES
        if unknown:
            raise TypeError(f"CaseFilter has no field {sorted(unknown)[0]!r}")
        copy = object.__new__(CaseFilter)
        object.__getattribute__(copy, "__dict__").update(self.__dict__, **changes)
        return copy


_FIELD_NAMES = frozenset(f.name for f in fields(CaseFilter))


def _parse_date(text: str) -> date:
    return date.fromisoformat(text.strip()[:10])


def parse_filter(args: Mapping[str, str]) -> tuple[CaseFilter, dict[str, str]]:
    """A filter from query-string arguments, and messages for the values it ignored."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in _TEXTS:
        text = (args.get(name) or "").strip()
        if text:
            values[name] = text[:100]
    for name in _DATES:
        text = (args.get(name) or "").strip()
        if text:
            try:
                values[name] = _parse_date(text)
            except ValueError:
                errors[name] = "日期格式应为 年-月-日"
    for name in _FLAGS:
        values[name] = (args.get(name) or "") in ("1", "true", "on", "yes")
    dep = (args.get("deployment") or "").strip()
    if dep:
        if dep.isdigit():
            values["deployment"] = int(dep)
        else:
            errors["deployment"] = "流程版本无效"
    _check_choices(values, errors)
    return CaseFilter(**values), errors


def _check_choices(values: dict[str, Any], errors: dict[str, str]) -> None:
    choices = {"kind": CASE_KINDS, "status": {**CASE_STATUSES, **STATUS_GROUPS},
               "sort": SORTS, "decision": DECISIONS}
    for name, allowed in choices.items():
        if name in values and values[name] not in allowed:
            errors[name] = "取值无效"
            del values[name]


def day_start(day: date) -> datetime:
    """00:00 of *day* in Asia/Shanghai (an aware instant)."""
    return datetime.combine(day, datetime.min.time(), SHANGHAI)


def day_after(day: date) -> datetime:
    """00:00 of the day after *day* in Asia/Shanghai: the end of an inclusive range."""
    return day_start(day + timedelta(days=1))


def local_date(instant: datetime) -> date:
    """The Asia/Shanghai date of an instant."""
    return instant.astimezone(SHANGHAI).date()


def month_range(month: str) -> tuple[date, date]:
    """The first and last day of a month written YYYY-MM (ValueError otherwise)."""
    first = date.fromisoformat(f"{month[:7]}-01")
    nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, nxt - timedelta(days=1)
