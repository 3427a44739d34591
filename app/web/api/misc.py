"""API: who am I, the working-day calendar (CALENDAR.md's JSON), notifications."""

from __future__ import annotations

from typing import Any

from flask import request

from app import policy
from app.models.org import Org
from app.services import my_notifications
from app.services.calendar import current_calendar
from app.web.api import bp
from app.web.api.core import (
    PAGE_PARAMS,
    ApiError,
    api_user,
    arg_bool,
    arg_int,
    operation,
    page_args,
    parse_date,
    path_param,
    query,
)
from app.web.support import clock, db, writing
from app.workcal.sources import CalendarRangeError, check_year

DATE = {"type": "string", "format": "date"}
MAX_DAYS = 3650


@operation(bp, "/me", "GET", summary="当前令牌所代表的用户（组织、角色、权限）", tag="account",
           ok=(200, "Me"), errors=())
def me() -> Any:
    """The token's user, organisation, roles and the actions the policy grants them."""
    user = api_user()
    org = db().get(Org, user.org_id)
    assert org is not None
    return {"username": user.username, "display_name": user.display_name,
            "org": {"code": org.code, "name": org.name, "kind": org.kind},
            "roles": user.role_names,
            "permissions": sorted(a.value for a in policy.Action if policy.has(user, a))}


def _day(name: str, raw: str) -> Any:
    day = parse_date(name, raw)
    try:
        check_year(day.year)
    except CalendarRangeError as exc:
        raise ApiError(400, "bad_request", str(exc), {name: "超出日历支持的年份"}) from exc
    return day


@operation(bp, "/calendar/add", "GET", summary="计算 N 个工作日后的日期与时限", tag="calendar",
           ok=(200, "Deadline"), errors=(400,),
           parameters=[query("from", DATE, "收到之日（不计入）", required=True),
                       query("days", {"type": "integer", "minimum": 0, "maximum": MAX_DAYS},
                             "工作日数", required=True)])
def calendar_add() -> Any:
    """``{"date", "due", "provisional"}`` as ``zhuanjie calendar add --json`` prints."""
    day = _day("from", request.args.get("from", ""))
    days = arg_int("days", None, 0, MAX_DAYS)
    if days is None:
        raise ApiError(400, "bad_request", "参数 days 必填", {"days": "必填"})
    try:
        deadline = current_calendar(db()).add_working_days(day, days)
    except CalendarRangeError as exc:
        raise ApiError(400, "bad_request", str(exc), {"days": "超出日历支持的年份"}) from exc
    return {"date": deadline.date.isoformat(), "due": deadline.due.isoformat(),
            "provisional": deadline.provisional}


@operation(bp, "/calendar/workday/<day>", "GET", summary="某日是否为工作日", tag="calendar",
           ok=(200, "WorkdayInfo"), errors=(400,),
           parameters=[path_param("day", DATE, "日期 YYYY-MM-DD")])
def calendar_workday(day: str) -> Any:
    """``{"date", "workday", "provisional", "name"}`` as ``calendar is-workday --json``."""
    info = current_calendar(db()).is_workday(_day("day", day))
    return {"date": info.date.isoformat(), "workday": info.workday,
            "provisional": info.provisional, "name": info.name}


@operation(bp, "/notifications", "GET", summary="我的提醒（本组织、本人角色）", tag="notifications",
           ok=(200, "NotificationPage"), errors=(400,),
           parameters=[query("unread", {"type": "boolean"}, "只看未读（true）或已读（false）"),
                       *PAGE_PARAMS])
def list_notifications() -> Any:
    """The token's user's notifications, newest first."""
    page, per_page = page_args()
    return my_notifications.list_notifications(db(), api_user(), arg_bool("unread"), page,
                                               per_page).to_json()


@operation(bp, "/notifications/<int:notification_id>/read", "POST", summary="标记提醒为已读",
           tag="notifications", ok=(200, "Notification"), errors=(403, 404),
           parameters=[path_param("notification_id",
                                  {"type": "integer", "minimum": 1, "maximum": 2147483647},
                                  "提醒 id")])
def read_notification(notification_id: int) -> Any:
    """Mark one notification read."""
    if notification_id > 2**31 - 1:
        raise ApiError(404, "not_found", f"no notification {notification_id}")
    with writing() as s:
        return my_notifications.mark_read(s, api_user(), notification_id, clock().now())
