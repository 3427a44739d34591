"""Organisations in the database: ``orgs load`` (all or nothing, never deleting) and
``orgs show``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from app.models import Member, Org, User, UserRole
from app.org.facts import (
    Policy,
    city_in,
    county_in,
    is_nationwide,
    is_unit,
    system_in,
    unit_in,
    up_in,
)
from app.org.loader import TreeFile, TreeFileError
from app.org.roles import role_error
from app.org.tree import BRANCH, COUNTY_DEPT, DEPARTMENTS, KIND_NAMES, SYSTEM, may_parent
from app.services.directory import DbDirectory
from app.services.members import MemberCounts, check_members, chunks, write_members

KEPT_SHOWN = 20
WRITE_CHUNK = 5000  # rows per INSERT/UPDATE round trip: bounds the parameter lists


@dataclass(slots=True)
class _Row:
    """One organisation of the merged tree: the database row, changed by the file."""

    id: int | None
    code: str
    name: str
    kind: str
    parent_code: str | None
    nationwide: bool
    approves_members: bool
    path: str = "/"
    depth: int = 0
    in_file: bool = False
    old: tuple[Any, ...] = ()


@dataclass
class LoadSummary:
    """What ``orgs load`` did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)
    members: MemberCounts = field(default_factory=MemberCounts)

    def to_json(self) -> dict[str, Any]:
        """The summary as one JSON object."""
        return {"orgs": {"created": self.created, "updated": self.updated,
                         "unchanged": self.unchanged, "kept": len(self.kept),
                         "kept_codes": self.kept[:KEPT_SHOWN]},
                "members": self.members.to_json()}


def _fields(row: _Row) -> tuple[Any, ...]:
    return (row.name, row.kind, row.parent_code, row.nationwide, row.approves_members,
            row.path, row.depth)


def _existing(session: Session) -> dict[str, _Row]:
    result = session.execute(select(Org.id, Org.code, Org.name, Org.kind, Org.parent_id,
                                    Org.nationwide, Org.approves_members, Org.path,
                                    Org.depth)).all()
    codes = {r.id: r.code for r in result}
    rows: dict[str, _Row] = {}
    for r in result:
        row = _Row(r.id, r.code, r.name, r.kind, codes.get(r.parent_id) if r.parent_id else None,
                   r.nationwide, r.approves_members, r.path, r.depth)
        row.old = _fields(row)
        rows[r.code] = row
    return rows


def _merge(rows: dict[str, _Row], tree: TreeFile) -> None:
    for node in tree.nodes:
        row = rows.get(node.code)
        if row is None:
            row = rows[node.code] = _Row(None, node.code, node.name, node.kind,
                                         node.parent_code, False, False)
        row.name, row.kind, row.parent_code = node.name, node.kind, node.parent_code
        row.nationwide, row.approves_members = node.nationwide, node.approves_members
        row.in_file = True


def _walk(rows: dict[str, _Row]) -> Iterator[tuple[_Row, _Row | None, str | None]]:
    """Every row parent-first, with its parent and the kind of its nearest department."""
    children: dict[str | None, list[_Row]] = defaultdict(list)
    for row in rows.values():
        children[row.parent_code].append(row)
    stack: list[tuple[_Row, _Row | None, str | None]] = [
        (row, None, None) for row in children[None]]
    while stack:
        row, parent, department = stack.pop()
        yield row, parent, department
        below = row.kind if row.kind in DEPARTMENTS else department
        stack.extend((child, row, below) for child in children[row.code])


def _check_merged(session: Session, rows: dict[str, _Row]) -> list[str]:
    """Problems of the tree the load would leave: organisations kept from the database
    under a parent whose kind changed, and people whose organisation changed kind."""
    errors: list[str] = []
    for row, parent, department in _walk(rows):
        if row.in_file or parent is None:
            continue
        if not may_parent(parent.kind, row.kind):
            errors.append(f"{row.code} (kept from the database): a {parent.kind} "
                          f"({parent.code}) cannot be the parent of a {row.kind}")
        if row.kind == SYSTEM and row.nationwide and department == COUNTY_DEPT:
            errors.append(f"{row.code} (kept from the database): a county-level system "
                          "cannot have nationwide authority (Art. 7)")
    changed = {r.id: r for r in rows.values() if r.id is not None and r.old
               and r.old[1] != r.kind}
    if changed:
        members = session.execute(select(Member.code, Member.branch_id)
                                  .where(Member.branch_id.in_(list(changed)))).all()
        errors.extend(f"{changed[m.branch_id].code}: has member {m.code}, so it must stay a "
                      f"branch" for m in members if changed[m.branch_id].kind != BRANCH)
        users = session.execute(select(User.username, User.org_id, UserRole.role)
                                .join(UserRole).where(User.org_id.in_(list(changed)))).all()
        for u in users:
            problem = role_error(u.role, changed[u.org_id].kind)
            if problem:
                errors.append(f"{changed[u.org_id].code}: user {u.username}: {problem}")
    return errors


def _insert_new(session: Session, rows: dict[str, _Row]) -> None:
    """Insert the new organisations level by level, so that parents have ids first."""
    levels: dict[int, list[_Row]] = defaultdict(list)
    for row, parent, _department in _walk(rows):
        row.depth = 0 if parent is None else parent.depth + 1
        if row.id is None:
            levels[row.depth].append(row)
    for depth in sorted(levels):
        for batch in chunks(levels[depth], WRITE_CHUNK):
            params = [{"code": r.code, "name": r.name, "kind": r.kind,
                       "nationwide": r.nationwide, "approves_members": r.approves_members,
                       "path": "/", "depth": r.depth,
                       "parent_id": rows[r.parent_code].id if r.parent_code else None}
                      for r in batch]
            ids = session.execute(insert(Org).returning(Org.code, Org.id,
                                                        sort_by_parameter_order=True), params)
            by_code = dict(ids.all())
            for r in batch:
                r.id = by_code[r.code]


def _write_paths(session: Session, rows: dict[str, _Row]) -> tuple[int, int]:
    """Recompute path and depth everywhere; write the rows that changed. Returns the
    numbers of file rows updated and unchanged (new rows are counted as created)."""
    for row, parent, _department in _walk(rows):
        row.path = (parent.path if parent else "/") + f"{row.id}/"
        row.depth = parent.depth + 1 if parent else 0
    changes = [r for r in rows.values() if _fields(r) != r.old]
    for batch in chunks(changes, WRITE_CHUNK):
        session.execute(update(Org), [
            {"id": r.id, "name": r.name, "kind": r.kind, "nationwide": r.nationwide,
             "approves_members": r.approves_members, "path": r.path, "depth": r.depth,
             "parent_id": rows[r.parent_code].id if r.parent_code else None}
            for r in batch])
    old_in_file = [r for r in rows.values() if r.in_file and r.old]
    updated = sum(1 for r in old_in_file if _fields(r) != r.old)
    return updated, len(old_in_file) - updated


def load_tree(session: Session, tree: TreeFile, source: str = "<file>",
              now: datetime | None = None) -> LoadSummary:
    """Create and update the organisations and members of *tree* by code; delete nothing.
    Raises :class:`TreeFileError` (nothing written) when the result would be invalid."""
    rows = _existing(session)
    _merge(rows, tree)
    errors = _check_merged(session, rows)
    errors += check_members(session, tree.members)
    if errors:
        raise TreeFileError(source, errors)
    created = sum(1 for r in rows.values() if r.id is None)
    _insert_new(session, rows)
    updated, unchanged = _write_paths(session, rows)
    branch_ids = {r.code: r.id for r in rows.values() if r.kind == BRANCH and r.id is not None}
    counts = write_members(session, tree.members, branch_ids, now or datetime.now(UTC))
    kept = sorted(r.code for r in rows.values() if not r.in_file)
    session.flush()
    return LoadSummary(created, updated, unchanged, kept, counts)


def org_count(session: Session) -> int:
    """How many organisations the database holds."""
    return session.execute(select(func.count()).select_from(Org)).scalar_one()


def org_info(session: Session, code: str,
             policy: Policy | str = Policy.HUNAN_2018) -> dict[str, Any]:
    """Everything ``orgs show`` prints about one organisation."""
    chain = DbDirectory(session).chain(code)
    node = chain[0]
    org = session.execute(select(Org).where(Org.code == code)).scalar_one()
    children = session.execute(select(func.count()).select_from(Org)
                               .where(Org.parent_id == org.id)).scalar_one()
    active = (Member.status == "active")
    direct = session.execute(select(func.count()).select_from(Member)
                             .where(Member.branch_id == org.id, active)).scalar_one()
    subtree = session.execute(select(func.count()).select_from(Member)
                              .join(Org, Member.branch_id == Org.id)
                              .where(Org.path.like(org.path + "%"), active)).scalar_one()
    found_system = system_in(chain)
    # up() starts at a unit: for a branch, a general branch or a committee without
    # approval authority, at the unit that transfers for it.
    unit_chain = chain if is_unit(node) else chain[chain.index(unit_in(chain)):]
    county, city = county_in(chain), city_in(chain)
    return {
        "code": node.code, "name": node.name, "kind": node.kind,
        "kind_name": KIND_NAMES[node.kind], "nationwide": node.nationwide,
        "approves_members": node.approves_members, "active": org.active,
        "parent": ({"code": chain[1].code, "name": chain[1].name} if len(chain) > 1
                   else None),
        "path": [n.code for n in reversed(chain)],
        "children": children, "members": direct, "members_in_subtree": subtree,
        "facts": {
            "unit": unit_in(chain).code if node.kind == BRANCH else None,
            "county": county.code if county else None,
            "city": city.code if city else None,
            "system": found_system[0].code if found_system else None,
            "system_level": found_system[1] if found_system else None,
            "nationwide_authority": is_nationwide(node, policy),
            "up": [n.code for n in up_in(unit_chain, policy)],
            "policy": str(Policy(policy)),
        },
    }
