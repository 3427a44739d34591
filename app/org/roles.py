"""Roles of users (PROCEDURES.md "People and their rooms") and where each may be held."""

from __future__ import annotations

from app.org.tree import (
    BRANCH,
    COMMITTEE,
    DEPARTMENTS,
    KINDS,
    PROVINCE_DEPT,
    SYSTEM,
)

ROLES: tuple[str, ...] = ("branch_secretary", "operator", "manager", "policy_staff", "admin")

#: The kinds of organisation a role may belong to.
ROLE_KINDS: dict[str, frozenset[str]] = {
    # 党支部书记 / 组织委员: applies for members of the branch, records reports.
    "branch_secretary": frozenset({BRANCH}),
    # 经办人 of a committee, system committee or organisation department.
    "operator": DEPARTMENTS | {SYSTEM, COMMITTEE},
    # 组织部门 supervisor; systems keep their own organisation office (Art. 4).
    "manager": DEPARTMENTS | {SYSTEM},
    # 省委组织部党员管理处 (Art. 17).
    "policy_staff": frozenset({PROVINCE_DEPT}),
    "admin": frozenset(KINDS),
}


def role_error(role: str, kind: str) -> str | None:
    """Why *role* cannot be held in an organisation of *kind*, or None when it can."""
    kinds = ROLE_KINDS.get(role)
    if kinds is None:
        return f"unknown role {role!r} (one of {', '.join(ROLES)})"
    if kind not in kinds:
        allowed = ", ".join(k for k in KINDS if k in kinds)
        return f"role {role} belongs to a {allowed}, not a {kind}"
    return None
