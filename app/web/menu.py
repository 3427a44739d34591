"""The left menu: one entry per room (UI.md), shown to the roles that may use it.

Each part of the web application adds its entry here (endpoint, label, roles); an entry
whose endpoint is not registered yet is simply not shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for

from app.models.user import User


@dataclass(frozen=True)
class MenuItem:
    """One menu entry."""

    endpoint: str
    label: str
    roles: frozenset[str]


MENU: list[MenuItem] = [
    MenuItem("inbox.index", "待办", frozenset({"branch_secretary", "operator", "manager"})),
    MenuItem("start.index", "发起转接", frozenset({"branch_secretary", "operator"})),
    MenuItem("cases.index", "案件查询",
             frozenset({"branch_secretary", "operator", "manager", "policy_staff"})),
    MenuItem("dashboard.index", "统计监督", frozenset({"manager", "policy_staff"})),
    MenuItem("editor.index", "流程设计", frozenset({"policy_staff"})),
    MenuItem("calendar_admin.index", "工作日历", frozenset({"policy_staff"})),
    MenuItem("org_admin.index", "组织机构", frozenset({"policy_staff", "admin"})),
    MenuItem("users_admin.index", "用户管理", frozenset({"admin"})),
]


def menu_for(user: User) -> list[tuple[str, str]]:
    """(url, label) of the rooms *user* may enter that exist in this application."""
    roles = set(user.role_names)
    items = []
    for item in MENU:
        if item.roles & roles and item.endpoint in current_app.view_functions:
            items.append((url_for(item.endpoint), item.label))
    return items
