"""Organisation administration by policy staff (Art. 17): browse and search the tree, load
a tree file, add an organisation, rename it, set its authority flags, deactivate it.

Every change of a single organisation goes through the tree loader: the organisation and
its ancestors are written as a small tree file and loaded like any file, so the same
rules apply (kinds under kinds, flags per kind, Art. 7, people whose organisation changes
kind) and nothing is ever deleted. Restructuring a subtree that holds members or open
cases is the whole-unit procedure (Art. 6), not an administrative edit. Every change is
audited on the system chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import yaml
from sqlalchemy import func, literal, or_, select
from sqlalchemy.orm import Session

from app import policy
from app.engine import audit
from app.errors import InvalidData, NotAllowed, NotFound
from app.models import Member, Org, OrgLock, TransferCase
from app.models.case import FINAL_STATUSES, CaseOrg
from app.org.loader import TreeFileError, parse_tree
from app.org.records import CODE_RE
from app.org.tree import KIND_NAMES, KINDS, OrgNode, UnknownOrgError, may_parent
from app.services.actors import active_user
from app.services.directory import DbDirectory
from app.services.orgs import LoadSummary, load_tree

MAX_RESULTS = 50


@dataclass(frozen=True)
class OrgRow:
    """One organisation in a list: code, name, kind and how many children it has."""

    code: str
    name: str
    kind: str
    children: int


def _rows(session: Session, orgs: list[Org]) -> list[OrgRow]:
    ids = [o.id for o in orgs]
    counts = dict(session.execute(select(Org.parent_id, func.count()).where(
        Org.parent_id.in_(ids)).group_by(Org.parent_id)).all()) if ids else {}
    return [OrgRow(o.code, o.name, o.kind, int(counts.get(o.id, 0))) for o in orgs]


def children_of(session: Session, code: str | None) -> list[OrgRow]:
    """The children of *code* (the top-level organisations when None), by code."""
    if code is None:
        parent_id = None
    else:
        parent_id = session.scalar(select(Org.id).where(Org.code == code))
        if parent_id is None:
            raise NotFound(f"没有编码为 {code} 的党组织")
    where = Org.parent_id.is_(None) if parent_id is None else Org.parent_id == parent_id
    orgs = session.scalars(select(Org).where(where).order_by(Org.code)).all()
    return _rows(session, list(orgs))


def search(session: Session, text: str, limit: int = MAX_RESULTS) -> list[OrgRow]:
    """Organisations whose code starts with or whose name contains *text*."""
    text = text.strip()
    if not text:
        return []
    orgs = session.scalars(select(Org).where(or_(
        Org.code.startswith(text, autoescape=True), Org.name.contains(text, autoescape=True)))
        .order_by(Org.depth, Org.code).limit(limit)).all()
    return _rows(session, list(orgs))


def chain_of(session: Session, code: str) -> list[OrgNode]:
    """The root first, down to *code* (NotFound for an unknown code)."""
    try:
        return list(reversed(DbDirectory(session).chain(code)))
    except UnknownOrgError as exc:
        raise NotFound(f"没有编码为 {code} 的党组织") from exc


def _raw(node: OrgNode, **changes: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {"code": node.code, "name": node.name, "kind": node.kind}
    if node.kind == "system":
        raw["nationwide"] = node.nationwide
    if node.kind == "committee":
        raw["approves_members"] = node.approves_members
    raw.update(changes)
    return raw


def _load_chain(session: Session, ancestors: list[OrgNode], leaf: dict[str, Any]) -> None:
    """Load ancestors (root first) with *leaf* below them, as a tree file would be."""
    nested = leaf
    for node in reversed(ancestors):
        nested = {**_raw(node), "children": [nested]}
    text = yaml.safe_dump({"orgs": [nested]}, allow_unicode=True, sort_keys=False)
    try:
        load_tree(session, parse_tree(text, "<组织机构管理>"), "<组织机构管理>")
    except TreeFileError as exc:
        raise InvalidData("；".join(exc.errors), {"_": exc.errors[0]}) from exc


def _staff(session: Session, username: str) -> str:
    user = active_user(session, username)
    policy.require(user, policy.Action.EDIT_ORGS)
    return user.username


def _audit(session: Session, actor: str, now: datetime, action: str,
           changes: dict[str, Any], comment: str | None = None) -> None:
    audit.append(session, chain=audit.SYSTEM_CHAIN, at=now, actor=actor, action=action,
                 comment=comment, changes=changes)


def _org(session: Session, code: str) -> Org:
    org = session.scalar(select(Org).where(Org.code == code))
    if org is None:
        raise NotFound(f"没有编码为 {code} 的党组织")
    return org


def add_org(session: Session, *, parent_code: str, code: str, name: str, kind: str,
            nationwide: bool, approves_members: bool, username: str, now: datetime) -> Org:
    """A new organisation under *parent_code*."""
    actor = _staff(session, username)
    code, name = code.strip(), name.strip()
    errors = {}
    if not CODE_RE.match(code):
        errors["code"] = "编码只能由字母、数字、“-”“_”“.”组成，最长 64 位"
    elif session.scalar(select(Org.id).where(Org.code == code)) is not None:
        errors["code"] = f"编码 {code} 已存在"
    if not name:
        errors["name"] = "请填写名称"
    parent = _org(session, parent_code)
    if kind not in KINDS:
        errors["kind"] = "请选择类别"
    elif not may_parent(parent.kind, kind):
        errors["kind"] = f"{KIND_NAMES[parent.kind]}下不能设立{KIND_NAMES[kind]}"
    if errors:
        raise InvalidData("；".join(errors.values()), errors)
    leaf: dict[str, Any] = {"code": code, "name": name, "kind": kind}
    if kind == "system":
        leaf["nationwide"] = nationwide
    if kind == "committee":
        leaf["approves_members"] = approves_members
    _load_chain(session, chain_of(session, parent_code), leaf)
    _audit(session, actor, now, "org_add", {"code": code, "name": name, "kind": kind,
                                            "parent": parent_code, **leaf})
    return _org(session, code)


def update_org(session: Session, code: str, *, name: str, nationwide: bool,
               approves_members: bool, username: str, now: datetime) -> Org:
    """Rename an organisation and set its authority flags (those its kind has)."""
    actor = _staff(session, username)
    chain = chain_of(session, code)
    node = chain[-1]
    if not name.strip():
        raise InvalidData("请填写名称", {"name": "请填写名称"})
    changes: dict[str, Any] = {"name": name.strip()}
    if node.kind == "system":
        changes["nationwide"] = nationwide
    if node.kind == "committee":
        changes["approves_members"] = approves_members
    before = _raw(node)
    _load_chain(session, chain[:-1], _raw(node, **changes))
    diff = {k: {"old": before.get(k), "new": v} for k, v in changes.items()
            if before.get(k) != v}
    if diff:
        _audit(session, actor, now, "org_update", {"code": code, **diff})
    return _org(session, code)


def _busy(session: Session, org: Org) -> str | None:
    subtree = Org.path.startswith(org.path, autoescape=True)
    members = session.scalar(select(func.count()).select_from(Member).join(
        Org, Org.id == Member.branch_id).where(subtree, Member.status == "active"))
    if members:
        return f"其下有 {members} 名党员"
    cases = session.scalar(select(func.count(func.distinct(CaseOrg.case_id))).select_from(CaseOrg)
                           .join(Org, Org.id == CaseOrg.org_id)
                           .join(TransferCase, TransferCase.id == CaseOrg.case_id)
                           .where(subtree, TransferCase.status.not_in(FINAL_STATUSES)))
    if cases:
        return f"其下有 {cases} 件办理中的转接案件"
    lock = session.scalar(select(OrgLock.case_id).join(Org, Org.id == OrgLock.org_id)
                          .where(literal(org.path).startswith(Org.path)).limit(1))
    return "正在整建制转接中" if lock is not None else None


def set_active(session: Session, code: str, active: bool, *, username: str, now: datetime,
               reason: str) -> Org:
    """Deactivate (or reactivate) an organisation; it is never deleted.

    An organisation with members or open cases below it, or with active children, cannot
    be deactivated; restructuring goes through the whole-unit procedure (Art. 6), not here.
    """
    actor = _staff(session, username)
    if not reason.strip():
        raise InvalidData("请填写原因", {"reason": "必填"})
    org = _org(session, code)
    if org.active == active:
        return org
    if not active:
        why = _busy(session, org)
        children = session.scalar(select(func.count()).select_from(Org).where(
            Org.parent_id == org.id, Org.active.is_(True)))
        if children:
            why = why or f"其下有 {children} 个在用的下级组织"
        if why:
            raise NotAllowed(f"{org.name}{why}，不能停用")
    elif org.parent_id is not None:
        parent = session.get(Org, org.parent_id)
        if parent is not None and not parent.active:
            raise NotAllowed(f"上级组织 {parent.name} 已停用，请先启用上级组织")
    org.active = active
    _audit(session, actor, now, "org_activate" if active else "org_deactivate",
           {"code": code, "active": active}, reason.strip())
    return org


def upload_tree(session: Session, data: bytes, file_name: str, *, username: str,
                now: datetime) -> LoadSummary:
    """Load a tree file: all or nothing, every error listed (TreeFileError), audited."""
    actor = _staff(session, username)
    tree = parse_tree(data, file_name)
    summary = load_tree(session, tree, file_name, now)
    _audit(session, actor, now, "orgs_load", {"file": file_name, **summary.to_json()})
    return summary
