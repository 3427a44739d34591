"""The one authorization policy: who may do what, for the web pages, the API and the CLI.

Every rule is a function of the user (organisation, roles) and the object, and raises
Forbidden with a reason. Rooms (PROCEDURES.md "People and their rooms"):

- a branch secretary applies for members of the branch and records reports;
- an operator acts on the tasks of their own organisation, starts incoming paper letters
  and whole-unit transfers for it, withdraws the cases it initiated, and prints the paper
  letters its organisation issued (the letter and the 党员基本信息采集表 carry the full
  公民身份号码, as the national form requires: only the issuer, who stamps and hands them
  over, prints them);
- a manager sees every case that touches the organisations below them and may suspend,
  resume, cancel, release or remind with a reason;
- policy staff edit diagrams, forms, the calendar and the organisation tree;
- an admin manages users;
- everyone signed in may read the organisation tree and the calendar, read and mark their
  organisation's notifications, and hold personal API tokens (a token acts as its user);
- the full 公民身份号码 is for managers only, and every full view is audited by the caller.

A task claimed by one user (``human_task.claimed_by``) is acted on by that user only until
it is released.

Queries that list what a user may see (cases of a subtree) are built here too, so the
views, the API and the CLI filter in one way.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select, true
from sqlalchemy.orm import Session

from app.errors import Conflict, Forbidden
from app.memo import remembered
from app.models.case import CaseOrg, Letter, Notification, TransferCase
from app.models.engine import HumanTask
from app.models.org import Org
from app.models.user import User


class Action(StrEnum):
    """Things a user may be allowed to do."""

    VIEW_INBOX = "view_inbox"
    COMPLETE_TASK = "complete_task"
    START_MEMBER_TRANSFER = "start_member_transfer"
    REGISTER_INCOMING = "register_incoming"
    START_WHOLE_UNIT = "start_whole_unit"
    WITHDRAW = "withdraw"
    PRINT_LETTER = "print_letter"
    VIEW_CASES = "view_cases"
    MANAGE_CASE = "manage_case"
    VIEW_DASHBOARD = "view_dashboard"
    VIEW_FULL_ID = "view_full_id"
    EDIT_DIAGRAMS = "edit_diagrams"
    EDIT_CALENDAR = "edit_calendar"
    EDIT_ORGS = "edit_orgs"
    ADMIN_ORGS = "admin_orgs"
    MANAGE_USERS = "manage_users"
    VIEW_ORGS = "view_orgs"
    PREVIEW_ROUTE = "preview_route"
    VIEW_CALENDAR = "view_calendar"
    VIEW_NOTIFICATIONS = "view_notifications"
    USE_API = "use_api"
    MANAGE_OWN_TOKENS = "manage_own_tokens"


ROLE_LABELS = {
    "branch_secretary": "党支部书记",
    "operator": "经办人",
    "manager": "组织部门管理人员",
    "policy_staff": "党员管理处",
    "admin": "系统管理员",
}

EVERYONE = frozenset(ROLE_LABELS)

# which role grants which general permission (object checks come on top)
GRANTS: dict[Action, frozenset[str]] = {
    Action.VIEW_INBOX: frozenset({"branch_secretary", "operator", "manager"}),
    Action.COMPLETE_TASK: frozenset({"branch_secretary", "operator", "manager"}),
    Action.START_MEMBER_TRANSFER: frozenset({"branch_secretary"}),
    Action.REGISTER_INCOMING: frozenset({"operator"}),
    Action.START_WHOLE_UNIT: frozenset({"operator"}),
    Action.WITHDRAW: frozenset({"operator"}),
    Action.PRINT_LETTER: frozenset({"operator"}),
    Action.VIEW_CASES: frozenset({"branch_secretary", "operator", "manager", "policy_staff"}),
    Action.MANAGE_CASE: frozenset({"manager"}),
    Action.VIEW_DASHBOARD: frozenset({"manager", "policy_staff"}),
    Action.VIEW_FULL_ID: frozenset({"manager"}),
    Action.EDIT_DIAGRAMS: frozenset({"policy_staff"}),
    Action.EDIT_CALENDAR: frozenset({"policy_staff"}),
    Action.EDIT_ORGS: frozenset({"policy_staff"}),
    Action.ADMIN_ORGS: frozenset({"policy_staff", "admin"}),  # the 组织机构 room
    Action.MANAGE_USERS: frozenset({"admin"}),
    Action.VIEW_ORGS: EVERYONE,
    Action.PREVIEW_ROUTE: frozenset({"branch_secretary", "operator", "manager", "policy_staff"}),
    Action.VIEW_CALENDAR: EVERYONE,
    Action.VIEW_NOTIFICATIONS: EVERYONE,
    Action.USE_API: EVERYONE,
    Action.MANAGE_OWN_TOKENS: EVERYONE,
}


def has(user: User, action: Action) -> bool:
    """Whether one of the user's roles grants *action* (before any object check)."""
    return user.active and bool(GRANTS[action] & set(user.role_names))


def require(user: User, action: Action) -> None:
    """Refuse unless a role of the user grants *action*."""
    if not has(user, action):
        raise Forbidden(f"{user.username} may not {action.value.replace('_', ' ')}")


def require_task(user: User, task: HumanTask) -> None:
    """A user acts only on tasks of their own organisation and role."""
    require(user, Action.COMPLETE_TASK)
    if task.assignee_org_id is None or user.org_id != task.assignee_org_id:
        raise Forbidden(f"task {task.id} belongs to another organisation; "
                        f"{user.username} may not act on it")
    if task.role not in user.role_names:
        raise Forbidden(f"task {task.id} needs the role {task.role!r}; "
                        f"{user.username} does not have it")


def require_at(user: User, action: Action, org_id: int | None) -> None:
    """*action* for organisation *org_id*, which must be the user's own."""
    require(user, action)
    if org_id is None or org_id != user.org_id:
        raise Forbidden(f"{user.username} may {action.value.replace('_', ' ')} only for "
                        "their own organisation")


def _user_org(session: Session, user: User) -> Org:
    org = session.get(Org, user.org_id)
    assert org is not None
    return org


def whole_tree(session: Session, org: Org) -> bool:
    """Whether *org* is the root of the only tree (its subtree is every organisation)."""
    if org.parent_id is not None:
        return False
    roots = remembered(session, "roots", lambda: session.scalar(
        select(func.count()).select_from(Org).where(Org.parent_id.is_(None))))
    return roots == 1


def case_visibility(session: Session, user: User,
                    case_id: Any = None) -> ColumnElement[bool]:
    """The condition on TransferCase for the cases *user* may see (on *case_id*, a column
    holding a case's id such as HumanTask.case_id, instead of TransferCase.id if given).

    Managers and policy staff see every case touching their organisation's subtree;
    operators and branch secretaries see the cases their own organisation takes part in.
    """
    org = _user_org(session, user)
    links = select(CaseOrg.case_id).join(Org, Org.id == CaseOrg.org_id)
    if {"manager", "policy_staff"} & set(user.role_names):
        if whole_tree(session, org):
            # every case links at least the organisation it starts from (services.case_orgs),
            # and every organisation is in this subtree: every case touches it. Saying so
            # spares a semi-join over all links on every list and figure (province level).
            return true()
        links = links.where(Org.path.startswith(org.path, autoescape=True))
    else:
        links = links.where(CaseOrg.org_id == org.id)
    return (TransferCase.id if case_id is None else case_id).in_(links)


def visibility_is_subtree(user: User, org: Org) -> bool:
    """Whether :func:`case_visibility` of *user* is exactly "touches *org*'s subtree" (a
    manager or policy staff of *org*), so a filter on that subtree adds nothing."""
    return org.id == user.org_id and bool({"manager", "policy_staff"} & set(user.role_names))


def may_view_case(session: Session, user: User, case: TransferCase) -> bool:
    """Whether *user* may see *case* (same rule as :func:`case_visibility`)."""
    if not has(user, Action.VIEW_CASES):
        return False
    return bool(session.scalar(select(exists().where(
        case_visibility(session, user), TransferCase.id == case.id))))


def require_view_case(session: Session, user: User, case: TransferCase) -> None:
    """Refuse unless *user* may see *case*."""
    if not may_view_case(session, user, case):
        raise Forbidden(f"{user.username} may not see case {case.number}")


def require_manage_case(session: Session, user: User, case: TransferCase) -> None:
    """Suspend, resume, cancel, release, remind: a manager whose subtree the case touches."""
    require(user, Action.MANAGE_CASE)
    require_view_case(session, user, case)


def require_unclaimed_or_mine(user: User, task: HumanTask) -> None:
    """A task claimed by another user is theirs until released (409, not a policy refusal)."""
    if task.claimed_by is not None and task.claimed_by != user.username:
        raise Conflict(f"task {task.id} is claimed by {task.claimed_by}")


def require_claim(user: User, task: HumanTask) -> None:
    """Claim (or release) a task: the user may act on it and nobody else holds it."""
    require_task(user, task)
    require_unclaimed_or_mine(user, task)


def task_case(session: Session, task: HumanTask) -> TransferCase | None:
    """The case whose workflow the task belongs to (None for a bare process instance)."""
    return session.scalar(select(TransferCase).where(
        TransferCase.instance_id == task.instance_id))


def may_view_task(session: Session, user: User, task: HumanTask) -> bool:
    """Whoever may act on a task, or may see its case, may read it."""
    if not user.active:
        return False
    if task.assignee_org_id == user.org_id and task.role in user.role_names:
        return True
    case = task_case(session, task)
    return case is not None and may_view_case(session, user, case)


def require_view_task(session: Session, user: User, task: HumanTask) -> None:
    """Refuse unless *user* may read *task* (:func:`may_view_task`)."""
    if not may_view_task(session, user, task):
        raise Forbidden(f"{user.username} may not see task {task.id}")


def my_tasks(user: User) -> ColumnElement[bool]:
    """The condition on HumanTask for the tasks *user* acts on (own organisation, own role)."""
    return (HumanTask.assignee_org_id == user.org_id) & HumanTask.role.in_(user.role_names)


def my_notifications(user: User) -> ColumnElement[bool]:
    """The condition on Notification for what *user* receives: their organisation's
    reminders addressed to one of their roles or to no role in particular."""
    return (Notification.org_id == user.org_id) & (
        Notification.role.is_(None) | Notification.role.in_(user.role_names))


def require_notification(user: User, notification: Notification) -> None:
    """Refuse unless *notification* is addressed to *user* (:func:`my_notifications`)."""
    require(user, Action.VIEW_NOTIFICATIONS)
    if notification.org_id != user.org_id or (
            notification.role is not None and notification.role not in user.role_names):
        raise Forbidden(f"notification {notification.id} is not addressed to {user.username}")


def require_full_id(session: Session, user: User, case: TransferCase) -> None:
    """The full 公民身份号码 of a case's member: VIEW_FULL_ID and the case in sight.
    The caller writes the audit event of the view."""
    require(user, Action.VIEW_FULL_ID)
    require_view_case(session, user, case)


def require_print_letter(user: User, letter: Letter) -> None:
    """Print a paper letter (and its 采集表): an operator of the organisation that issued it."""
    require_at(user, Action.PRINT_LETTER, letter.issuer_org_id)


def may_print_letter(user: User, letter: Letter) -> bool:
    """Whether *user* may print *letter* (:func:`require_print_letter`)."""
    return has(user, Action.PRINT_LETTER) and letter.issuer_org_id == user.org_id
