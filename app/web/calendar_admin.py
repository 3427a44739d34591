"""工作日历 (policy staff, CALENDAR.md): a year at a glance, single days, a year's notice.

The year view shows every day with what it is (working day, rest day, holiday, adjusted
working day) and where that comes from (official data, a notice, a policy-staff entry, or
the provisional rule), in colour and in words. Changes go through app.services.calendar,
which audits them and recomputes the pending deadlines; the page says how many.
"""

from __future__ import annotations

import calendar as pycal
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import policy
from app.services import calendar as cal_service
from app.web.support import clock, db, me, writing
from app.workcal import Calendar
from app.workcal.notice import NoticeError, missing_statutory_days, parse_notice
from app.workcal.sources import MAX_YEAR, MIN_YEAR, CalendarRangeError

bp = Blueprint("calendar_admin", __name__, url_prefix="/calendar")

SOURCES = {"package": "官方数据", "notice": "国务院通知", "entry": "人工调整",
           "provisional": "暂定"}
YEAR_STATUS = {"official": "官方", "provisional": "暂定（尚无官方安排）",
               "overridden": "已人工调整"}
WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")


@dataclass(frozen=True)
class DayCell:
    """One day of the year view."""

    day: date
    workday: bool
    provisional: bool
    name: str | None
    source: str

    @property
    def kind(self) -> str:
        """work, rest (weekend), holiday or adjusted (a weekend made a working day)."""
        weekend = self.day.weekday() >= 5
        if self.workday:
            return "adjusted" if weekend else "work"
        return "rest" if weekend and not self.name else "holiday"

    @property
    def label(self) -> str:
        """The words of the cell's title (hover) and of screen readers."""
        kinds = {"work": "工作日", "rest": "休息日", "holiday": "节假日", "adjusted": "调休上班"}
        text = f"{self.day.month}月{self.day.day}日 {kinds[self.kind]}"
        if self.name:
            text += f"（{self.name}）"
        return text + f"，依据：{SOURCES[self.source]}"


def _month(calendar: Calendar, year: int, month: int) -> list[list[DayCell | None]]:
    weeks: list[list[DayCell | None]] = []
    for week in pycal.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row: list[DayCell | None] = []
        for day in week:
            if day.month != month:
                row.append(None)
                continue
            info = calendar.is_workday(day)
            row.append(DayCell(day, info.workday, info.provisional, info.name,
                               calendar.source(day)))
        weeks.append(row)
    return weeks


@bp.before_request
def _guard() -> Any:
    """Signed-in policy staff only."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    policy.require(me(), policy.Action.EDIT_CALENDAR)
    return None


def _year() -> int:
    value = request.args.get("year", "")
    year = int(value) if value.isdigit() else clock().now().year
    return min(max(year, MIN_YEAR), MAX_YEAR)


def _notice_template(year: int) -> str:
    return (f"year: {year}\nsource: 国办发明电〔{year - 1}〕X号\nholidays:\n"
            f"  - {{name: 元旦, from: {year}-01-01, to: {year}-01-01}}\n"
            f"workdays:\n  - {year}-02-07\n")


def _page(year: int, **extra: Any) -> str:
    session = db()
    calendar = cal_service.load_calendar(session)
    months = [(m, _month(calendar, year, m)) for m in range(1, 13)]
    day_arg = request.args.get("day", "")
    chosen = None
    try:
        chosen_day = date.fromisoformat(day_arg) if day_arg else None
    except ValueError:
        chosen_day = None
    if chosen_day is not None and MIN_YEAR <= chosen_day.year <= MAX_YEAR:
        info = calendar.is_workday(chosen_day)
        chosen = DayCell(chosen_day, info.workday, info.provisional, info.name,
                         calendar.source(chosen_day))
    notes = {e.date: e.note for e in calendar.entries_of(year)}
    context = {"year": year, "months": months, "weekdays": WEEKDAYS, "sources": SOURCES,
               "status": YEAR_STATUS[calendar.year_status(year)],
               "status_key": calendar.year_status(year), "chosen": chosen, "notes": notes,
               "changes": list(reversed(cal_service.changes(session, year)))[:20],
               "notice_text": _notice_template(year)}
    context.update(extra)
    return render_template("calendar_admin/index.html", **context)


@bp.get("/")
def index() -> str:
    """The year view with the forms to mark a day and to enter a notice."""
    return _page(_year())


@bp.post("/day")
def mark_day() -> Any:
    """Enter one day as a working day or a holiday, with a note (audited, recomputed)."""
    form = request.form
    errors: dict[str, str] = {}
    try:
        day = date.fromisoformat(form.get("day", ""))
    except ValueError:
        errors["day"] = "请填写日期（YYYY-MM-DD）"
    kind = form.get("kind")
    if kind not in ("workday", "holiday"):
        errors["kind"] = "请选择工作日或休息日"
    note = form.get("note", "").strip()
    if not note:
        errors["note"] = "请填写依据或说明"
    if errors:
        return _page(_year(), day_errors=errors, day_form=form), 422
    try:
        with writing() as session:
            change = cal_service.set_day(session, day, kind == "workday", note, me().username,
                                         name=form.get("name") or None)
            recomputed = change.recomputed
    except (CalendarRangeError, ValueError) as exc:
        return _page(_year(), day_errors={"day": f"无法保存：{exc}"}, day_form=form), 422
    what = "工作日" if kind == "workday" else "休息日"
    flash(f"已将 {day.year}年{day.month}月{day.day}日 设为{what}；"
          f"重新计算了 {recomputed} 个未到期的期限。", "success")
    return redirect(url_for("calendar_admin.index", year=day.year, day=day.isoformat()))


@bp.post("/notice")
def notice() -> Any:
    """Enter a year's State Council notice (YAML of app.workcal.notice), making it official."""
    text = request.form.get("notice", "")
    note = request.form.get("note", "").strip() or None
    try:
        data = yaml.safe_load(text)
        year = data.get("year") if isinstance(data, dict) else None
        if not isinstance(year, int):
            raise NoticeError("year: 请填写年份，如 year: 2027")
        with writing() as session:
            change = cal_service.import_year_notice(session, year, data, me().username, note)
            recomputed = change.recomputed
    except yaml.YAMLError as exc:
        return _page(_year(), notice_error=f"YAML 格式有误：{str(exc).splitlines()[0]}",
                     notice_text=text), 422
    except (NoticeError, ValueError) as exc:
        return _page(_year(), notice_error=f"通知内容有误：{exc}", notice_text=text), 422
    gaps = missing_statutory_days(parse_notice(data))
    flash(f"已录入 {year} 年放假安排；重新计算了 {recomputed} 个未到期的期限。", "success")
    if gaps:
        flash("请核对：通知未列出以下法定节假日 " + "、".join(
            f"{d.month}月{d.day}日（{n}）" for d, n in sorted(gaps.items())), "error")
    return redirect(url_for("calendar_admin.index", year=year))
