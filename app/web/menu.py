"""The left menu: one entry per room (UI.md), shown to the roles that may use it.

Each part of the web application adds its entry here (endpoint, label, the policy's actions
that open the room); an entry whose endpoint is not registered yet is simply not shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for

from app.models.user import User
from app.policy import Action, has


@dataclass(frozen=True)
class MenuItem:
    """One menu entry, shown to whoever may do one of its actions (app.policy)."""

    endpoint: str
    label: str
    actions: tuple[Action, ...]


MENU: list[MenuItem] = [
    MenuItem("inbox.index", "待办", (Action.VIEW_INBOX,)),
    MenuItem("start.index", "发起转接",
             (Action.START_MEMBER_TRANSFER, Action.START_WHOLE_UNIT, Action.REGISTER_INCOMING)),
    MenuItem("cases.index", "案件查询", (Action.VIEW_CASES,)),
    MenuItem("dashboard.index", "统计监督", (Action.VIEW_DASHBOARD,)),
    MenuItem("editor.index", "流程设计", (Action.EDIT_DIAGRAMS,)),
    MenuItem("calendar_admin.index", "工作日历", (Action.EDIT_CALENDAR,)),
    MenuItem("org_admin.index", "组织机构", (Action.ADMIN_ORGS,)),
    MenuItem("users_admin.index", "用户管理", (Action.MANAGE_USERS,)),
]


def menu_for(user: User) -> list[tuple[str, str]]:
    """(url, label) of the rooms *user* may enter that exist in this application."""
    items = []
    for item in MENU:
        if any(has(user, a) for a in item.actions) and item.endpoint in current_app.view_functions:
            items.append((url_for(item.endpoint), item.label))
    return items
