"""What the pages that start a transfer need: the branch's members, the units an operator
may move, organisation search with suggestions, and reading an organisation typed by name
or code. Starting itself is app.services.transfers (preview_transfer, start_transfer).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from app import policy
from app.errors import InvalidData
from app.models.case import FINAL_STATUSES, TransferCase
from app.models.member import Member
from app.models.org import Org
from app.models.user import User

MOVABLE_KINDS = ("committee", "general_branch", "branch")   # Art. 6: what moves as a unit
PARENT_KINDS = ("county_dept", "city_dept", "province_dept", "system", "committee",
                "general_branch")
SEARCH_LIMIT = 20


@dataclass(frozen=True)
class MemberChoice:
    """A member of the branch, and the open case that keeps them from a new application."""

    code: str
    name: str
    gender: str
    id_number: str
    category: str
    open_case: str | None


@dataclass(frozen=True)
class OrgChoice:
    """An organisation found by a search, with its parent's name to tell namesakes apart."""

    code: str
    name: str
    parent_name: str | None


def user_org(session: Session, user: User) -> Org:
    """The user's organisation."""
    org = session.get(Org, user.org_id)
    assert org is not None  # a foreign key
    return org


def branch_members(session: Session, user: User) -> list[MemberChoice]:
    """The active members of the user's branch (the branch secretary applies for them)."""
    policy.require(user, policy.Action.START_MEMBER_TRANSFER)
    open_case = (select(TransferCase.number).where(
        TransferCase.member_id == Member.id, TransferCase.status.not_in(FINAL_STATUSES))
        .limit(1).scalar_subquery())
    rows = session.execute(select(Member, open_case).where(
        Member.branch_id == user.org_id, Member.status == "active").order_by(Member.name,
                                                                              Member.code))
    return [MemberChoice(m.code, m.name, m.gender, m.id_number, m.category, number)
            for m, number in rows]


def branch_of_member(session: Session, member_code: str | None) -> str | None:
    """The code of the branch a member belongs to (None for an unknown member)."""
    if not member_code:
        return None
    return session.scalar(select(Org.code).join(Member, Member.branch_id == Org.id)
                          .where(Member.code == member_code))


def movable_units(session: Session, user: User) -> list[OrgChoice]:
    """The organisations directly under the user's own, which it may move whole (Art. 6)."""
    policy.require(user, policy.Action.START_WHOLE_UNIT)
    org = user_org(session, user)
    rows = session.execute(select(Org.code, Org.name).where(
        Org.parent_id == user.org_id, Org.kind.in_(MOVABLE_KINDS)).order_by(Org.code))
    return [OrgChoice(code, name, org.name) for code, name in rows]


def may_register_incoming(session: Session, user: User, rules: str) -> bool:
    """Operators of an organisation with nationwide authority (Art. 4, under the *rules* in
    force) register the paper letters addressed to it (Art. 10)."""
    from app.org.facts import is_nationwide
    from app.services.directory import DbDirectory

    if not policy.has(user, policy.Action.REGISTER_INCOMING):
        return False
    return is_nationwide(DbDirectory(session).get(user_org(session, user).code), rules)


def _kinds(kind: str) -> tuple[str, ...]:
    return ("branch",) if kind == "branch" else PARENT_KINDS


def search_orgs(session: Session, query: str, kind: str = "branch",
                limit: int = SEARCH_LIMIT) -> list[OrgChoice]:
    """Branches (``kind="branch"``) or possible parents (``"parent"``) whose name contains
    *query* or whose code starts with it; exact codes first."""
    text = query.strip()[:60]
    if not text:
        return []
    parent = aliased(Org)
    stmt = (select(Org.code, Org.name, parent.name)
            .outerjoin(parent, parent.id == Org.parent_id)
            .where(Org.kind.in_(_kinds(kind)), Org.active.is_(True),
                   or_(Org.name.contains(text, autoescape=True),
                       func.upper(Org.code).startswith(text.upper(), autoescape=True)))
            .order_by((func.upper(Org.code) != text.upper()), func.length(Org.name), Org.code)
            .limit(limit))
    return [OrgChoice(code, name, parent_name) for code, name, parent_name in
            session.execute(stmt)]


def resolve_org(session: Session, text: str | None, field: str, kind: str = "branch") -> str:
    """The code of the organisation typed as *text* (a code, or an exact unique name).

    Refuses with a message for *field* when it is empty, unknown or ambiguous.
    """
    value = (text or "").strip()
    label = "党支部" if kind == "branch" else "党组织"
    if not value:
        raise InvalidData(f"请选择{label}", {field: f"请填写{label}的名称或编码"})
    if " " in value:  # a suggestion reads "CODE 名称"
        value = value.split(" ", 1)[0]
    kinds = _kinds(kind)
    code = session.scalar(select(Org.code).where(
        func.upper(Org.code) == value.upper(), Org.kind.in_(kinds)))
    if code:
        return str(code)
    named = session.scalars(select(Org.code).where(
        and_(Org.name == value, Org.kind.in_(kinds))).limit(2)).all()
    if len(named) == 1:
        return str(named[0])
    if named:
        raise InvalidData(f"有多个名为“{value}”的{label}",
                          {field: f"有多个名为“{value}”的{label}，请从提示中选择或填写编码"})
    raise InvalidData(f"未找到{label}“{value}”",
                      {field: f"未找到{label}“{value}”，请检查名称或编码"})
