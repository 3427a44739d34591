"""Calendar use cases on SQLite and PostgreSQL: entries, notices, audit, recompute hooks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from app.db import session_scope
from app.models import CalendarChange, CalendarChangeDay, CalendarDay, CalendarNotice
from app.services import calendar as svc
from app.workcal import NoticeError

NOTICE_2027 = {
    "year": 2027,
    "source": "国办发明电〔2026〕1号",
    "holidays": [
        {"name": "元旦", "from": date(2027, 1, 1), "to": date(2027, 1, 3)},
        {"name": "春节", "from": date(2027, 2, 5), "to": date(2027, 2, 12)},
    ],
    "workdays": [{"date": date(2027, 2, 20), "name": "春节"}],
}


class FakeRecompute:
    """Stands in for the engine's recompute: records its calls and what it could see."""

    def __init__(self, answer: int) -> None:
        self.answer = answer
        self.calls: list[tuple[int, str]] = []

    def __call__(self, session: Session, year: int) -> int:
        self.calls.append((year, svc.load_calendar(session).year_status(year)))
        return self.answer


@pytest.fixture
def hooks() -> Iterator[list[FakeRecompute]]:
    registered = [svc.on_official_year(FakeRecompute(3)), svc.on_official_year(FakeRecompute(4))]
    yield registered  # type: ignore[misc]
    for hook in registered:
        svc.remove_official_year_hook(hook)


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_empty_database_gives_the_package_and_the_provisional_rule(session: Session) -> None:
    cal = svc.load_calendar(session)
    assert cal.add_working_days(date(2026, 2, 12), 5).date == date(2026, 2, 26)
    assert cal.year_status(2027) == "provisional"
    assert svc.calendar_version(session) == (0, None)


def test_set_day_changes_a_later_answer_and_is_audited(engine: Engine, hooks) -> None:
    with session_scope(engine) as s:
        change = svc.set_day(s, date(2026, 2, 25), False, "停电", "alice")
        assert change.recomputed == 7
    with Session(engine) as s:
        cal = svc.load_calendar(s)
        assert cal.add_working_days(date(2026, 2, 12), 5).date == date(2026, 2, 27)
        assert cal.year_status(2026) == "overridden"
        [row] = svc.changes(s)
        assert (row.actor, row.action, row.year, row.note) == ("alice", "set_day", 2026, "停电")
        assert (row.old_status, row.new_status, row.recomputed) == ("official", "overridden", 7)
        [day] = row.days
        assert (day.day, day.old_workday, day.old_source) == (date(2026, 2, 25), True, "package")
        assert (day.new_workday, day.new_source) == (False, "entry")
        assert svc.calendar_version(s) == (row.id, row.changed_at)
    # both hooks ran for the day's year and saw the entry inside the transaction
    assert [h.calls for h in hooks] == [[(2026, "overridden")]] * 2


def test_set_day_again_corrects_the_entry(engine: Engine) -> None:
    with session_scope(engine) as s:
        svc.set_day(s, date(2027, 2, 20), False, None, "alice")
    with session_scope(engine) as s:
        svc.set_day(s, date(2027, 2, 20), True, "调休", "bob", name="春节调休上班")
    with Session(engine) as s:
        info = svc.load_calendar(s).is_workday(date(2027, 2, 20))
        assert (info.workday, info.provisional, info.name) == (True, False, "春节调休上班")
        second = svc.changes(s)[-1].days[0]
        assert (second.old_workday, second.old_source) == (False, "entry")
        assert (second.new_workday, second.new_name) == (True, "春节调休上班")
    assert _count(engine, CalendarDay) == 1


def test_notice_import_makes_the_year_official_and_fires_the_hook(engine: Engine,
                                                                   hooks) -> None:
    with session_scope(engine) as s:
        svc.set_day(s, date(2027, 3, 1), False, "旧条目", "alice")
    with session_scope(engine) as s:
        before = svc.load_calendar(s).add_working_days(date(2026, 12, 20), 15)
        assert before.provisional_years == frozenset({2027})
        change = svc.import_year_notice(s, 2027, NOTICE_2027, "bob", note="首次录入")
        assert change.recomputed == 7
    with Session(engine) as s:
        cal = svc.load_calendar(s)
        assert cal.year_status(2027) == "official"
        after = cal.add_working_days(date(2026, 12, 20), 15)
        assert (after.provisional, after.date) == (False, date(2027, 1, 11))
        assert cal.is_workday(date(2027, 2, 20)).name == "春节调休上班"
        assert cal.is_workday(date(2027, 3, 1)).workday is True  # the entry is superseded
        row = svc.changes(s, 2027)[-1]
        assert (row.action, row.actor, row.old_status, row.new_status) == (
            "import_year", "bob", "overridden", "official")
        assert row.note == "国办发明电〔2026〕1号 首次录入"
        by_day = {d.day: d for d in row.days}
        assert (by_day[date(2027, 3, 1)].old_source, by_day[date(2027, 3, 1)].new_source) == (
            "entry", "notice")
        assert by_day[date(2027, 2, 9)].old_workday and not by_day[date(2027, 2, 9)].new_workday
        assert date(2027, 3, 2) not in by_day  # unchanged days are not listed
    assert [h.calls[-1] for h in hooks] == [(2027, "official")] * 2
    assert _count(engine, CalendarDay) == 0


def test_reimport_replaces_the_notice(engine: Engine) -> None:
    with session_scope(engine) as s:
        svc.import_year_notice(s, 2027, NOTICE_2027, "bob")
    corrected = NOTICE_2027 | {"holidays": NOTICE_2027["holidays"][:1], "workdays": []}
    with session_scope(engine) as s:
        change = svc.import_year_notice(s, 2027, corrected, "bob", note="更正")
        assert {d.day for d in change.days} >= {date(2027, 2, 5), date(2027, 2, 20)}
    with Session(engine) as s:
        cal = svc.load_calendar(s)
        assert cal.is_workday(date(2027, 2, 9)).workday is True
        assert cal.is_workday(date(2027, 2, 20)).workday is False  # a Saturday again
    assert _count(engine, CalendarNotice) == 1


@pytest.mark.parametrize(("year", "notice", "error"), [
    (2028, NOTICE_2027, NoticeError),
    (2027, NOTICE_2027 | {"workdays": [date(2027, 1, 2)]}, NoticeError),
    (2027, {"year": 2027, "holidays": [{"name": "", "from": date(2027, 1, 1),
                                        "to": date(2027, 1, 1)}]}, NoticeError),
])
def test_bad_notice_writes_nothing(engine: Engine, hooks, year, notice, error) -> None:
    with pytest.raises(error), session_scope(engine) as s:
        svc.import_year_notice(s, year, notice, "bob")
    assert _count(engine, CalendarNotice) == _count(engine, CalendarChange) == 0
    assert all(h.calls == [] for h in hooks)


def test_set_day_refuses_what_it_cannot_store(engine: Engine) -> None:
    with pytest.raises(ValueError, match="outside"), session_scope(engine) as s:
        svc.set_day(s, date(2100, 1, 1), True, None, "alice")
    with pytest.raises(ValueError, match="actor"), session_scope(engine) as s:
        svc.set_day(s, date(2027, 1, 1), True, None, "  ")
    with pytest.raises(ValueError, match="note"), session_scope(engine) as s:
        svc.set_day(s, date(2027, 1, 1), True, "x" * 501, "alice")
    assert _count(engine, CalendarDay) == _count(engine, CalendarChange) == 0


def test_a_failing_hook_rolls_the_change_back(engine: Engine) -> None:
    def broken(session: Session, year: int) -> int:
        raise RuntimeError("engine down")

    svc.on_official_year(broken)
    try:
        with pytest.raises(RuntimeError), session_scope(engine) as s:
            svc.import_year_notice(s, 2027, NOTICE_2027, "bob")
    finally:
        svc.remove_official_year_hook(broken)
    assert _count(engine, CalendarNotice) == _count(engine, CalendarChange) == 0


def test_audit_is_append_only(engine: Engine) -> None:
    with session_scope(engine) as s:
        svc.set_day(s, date(2027, 2, 20), True, None, "alice")
    for statement in ("UPDATE calendar_change SET actor = 'mallory'",
                      "DELETE FROM calendar_change_day",
                      "UPDATE calendar_change_day SET new_workday = false",
                      "DELETE FROM calendar_change"):
        with Session(engine) as s, pytest.raises(DatabaseError, match="append-only"):
            s.execute(text(statement))
            s.commit()
    assert _count(engine, CalendarChange) == _count(engine, CalendarChangeDay) == 1


def test_year_statuses(engine: Engine) -> None:
    with session_scope(engine) as s:
        svc.set_day(s, date(2028, 1, 3), False, None, "alice")
        svc.import_year_notice(s, 2027, NOTICE_2027, "bob")
    with Session(engine) as s:
        rows = svc.year_statuses(s, 2026, 2029)
        assert [(r.year, r.status, r.base, r.entries) for r in rows] == [
            (2026, "official", "official", 0),
            (2027, "official", "official", 0),
            (2028, "overridden", "provisional", 1),
            (2029, "provisional", "provisional", 0),
        ]
        assert rows[1].source == "国办发明电〔2026〕1号"
        assert svc.latest_entered_year(s) == 2028


def test_current_calendar_is_reused_until_a_change(engine: Engine) -> None:
    seen: list[bool] = []

    def hook(session: Session, year: int) -> int:
        seen.append(svc.current_calendar(session).is_workday(date(2027, 2, 20)).workday)
        return 0

    with Session(engine) as s:
        first = svc.current_calendar(s)
        assert svc.current_calendar(s) is first
    svc.on_official_year(hook)
    try:
        with session_scope(engine) as s:
            svc.set_day(s, date(2027, 2, 20), True, None, "alice")
    finally:
        svc.remove_official_year_hook(hook)
    assert seen == [True]  # the hook saw the uncommitted entry
    with Session(engine) as s:
        second = svc.current_calendar(s)
        assert second is not first
        assert second.is_workday(date(2027, 2, 20)).workday is True
        assert svc.current_calendar(s) is second
