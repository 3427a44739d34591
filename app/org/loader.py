"""Tree files (ROUTING.md §2): YAML with ``orgs`` (nested by ``children``), ``members`` and,
in the demo file, ``users``. Every structural error is collected and named by the code of
the node, member or user concerned; a file with any error yields nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from app.org.records import CODE_RE, MEMBER_FIELDS, MemberRecord, parse_member
from app.org.roles import role_error
from app.org.tree import (
    BRANCH,
    COMMITTEE,
    COUNTY_DEPT,
    DEPARTMENTS,
    KINDS,
    ROOT_KINDS,
    SYSTEM,
    MemoryDirectory,
    OrgError,
    OrgNode,
    may_parent,
)
from app.org.yamlstream import load_plain

TOP_KEYS = ("orgs", "members", "users")
NODE_KEYS = frozenset({"code", "name", "kind", "nationwide", "approves_members", "children"})
USER_KEYS = frozenset({"username", "name", "org", "roles", "password"})
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.\-]{1,63}$")
MIN_PASSWORD = 8


@dataclass(frozen=True)
class UserRecord:
    """A user of the demo file (``users:``), with the demo password in clear."""

    username: str
    name: str
    org: str
    roles: tuple[str, ...]
    password: str


@dataclass
class TreeFile:
    """A valid tree file: nodes with parents before children, members, users."""

    nodes: list[OrgNode]
    members: list[MemberRecord] = field(default_factory=list)
    users: list[UserRecord] = field(default_factory=list)

    def directory(self) -> MemoryDirectory:
        """The nodes as a directory for routing."""
        return MemoryDirectory(self.nodes)


class TreeFileError(OrgError):
    """A tree file that cannot be loaded; ``errors`` lists every problem found."""

    def __init__(self, source: str, errors: list[str]) -> None:
        super().__init__(f"{source}: {errors[0]}" if len(errors) == 1
                         else f"{source}: {len(errors)} errors, nothing loaded")
        self.source = source
        self.errors = errors


@dataclass
class _Pending:
    """A raw node waiting to be checked, with what its ancestors tell about it."""

    raw: object
    where: str
    parent: OrgNode | None
    department: str | None  # kind of the nearest department above


def _label(raw: dict[Any, Any], where: str) -> str:
    code = raw.get("code")
    return code if isinstance(code, str) and CODE_RE.match(code) else where


def _check_code(raw: dict[Any, Any], where: str, errors: list[str]) -> None:
    code = raw.get("code")
    if code is None or code == "":
        errors.append(f"{where}: code is missing")
    elif not isinstance(code, str):
        errors.append(f"{where}: code {code!r} must be text (quote it in YAML)")
    elif not CODE_RE.match(code):
        errors.append(f"{where}: code {code!r} may hold only letters, digits, '-', '_' and "
                      "'.' (at most 64)")


def _check_flags(raw: dict[Any, Any], label: str, kind: object, department: str | None,
                 errors: list[str]) -> None:
    for flag, owner in (("nationwide", SYSTEM), ("approves_members", COMMITTEE)):
        if flag not in raw:
            continue
        if kind in KINDS and kind != owner:
            errors.append(f"{label}: {flag} applies only to a {owner}, not a {kind}")
        elif not isinstance(raw[flag], bool):
            errors.append(f"{label}: {flag} must be true or false, not {raw[flag]!r}")
    if kind == SYSTEM and raw.get("nationwide") is True and department == COUNTY_DEPT:
        errors.append(f"{label}: a county-level system cannot have nationwide authority "
                      "(Art. 7: it never crosses its county by itself)")


def _check_kind(raw: dict[Any, Any], label: str, parent: OrgNode | None,
                errors: list[str]) -> None:
    kind = raw.get("kind")
    if kind not in KINDS:
        errors.append(f"{label}: unknown kind {kind!r} (one of {', '.join(KINDS)})")
    elif parent is None and kind not in ROOT_KINDS:
        errors.append(f"{label}: a top-level organisation must be a province_dept, "
                      f"not a {kind}")
    elif parent is not None and parent.kind in KINDS and not may_parent(parent.kind, kind):
        errors.append(f"{label}: a {parent.kind} ({parent.code}) cannot be the parent of a "
                      f"{kind} (ROUTING.md §1)")


def _check_node(item: _Pending, seen: dict[str, str],
                errors: list[str]) -> tuple[OrgNode, list[object]] | None:
    raw = item.raw
    if not isinstance(raw, dict):
        errors.append(f"{item.where}: an organisation must be a mapping with code, name "
                      "and kind")
        return None
    label = _label(raw, item.where)
    _check_code(raw, item.where, errors)
    unknown = sorted(str(k) for k in raw if k not in NODE_KEYS)
    if unknown:
        errors.append(f"{label}: unknown key(s) {', '.join(unknown)}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.append(f"{label}: name is missing")
    elif len(name.strip()) > 200:
        errors.append(f"{label}: name is longer than 200 characters")
    _check_kind(raw, label, item.parent, errors)
    _check_flags(raw, label, raw.get("kind"), item.department, errors)
    if label in seen:
        errors.append(f"{label}: duplicate code (first at {seen[label]})")
    elif label != item.where:
        seen[label] = item.where
    children = raw.get("children") or []
    if not isinstance(children, list):
        errors.append(f"{label}: children must be a list")
        children = []
    kind = str(raw.get("kind"))
    node = OrgNode(code=label, name=str(name or "").strip(), kind=kind,
                   parent_code=item.parent.code if item.parent else None,
                   nationwide=kind == SYSTEM and raw.get("nationwide") is True,
                   approves_members=kind == COMMITTEE and raw.get("approves_members", True)
                   is True)
    return node, children


def _walk(orgs: object, errors: list[str]) -> list[OrgNode]:
    """Check every node depth-first; the nodes in parent-before-child order."""
    if not isinstance(orgs, list) or not orgs:
        errors.append("orgs must be a non-empty list of organisations")
        return []
    stack = [_Pending(raw, f"orgs[{i}]", None, None) for i, raw in enumerate(orgs)][::-1]
    seen: dict[str, str] = {}
    nodes: list[OrgNode] = []
    while stack:
        item = stack.pop()
        checked = _check_node(item, seen, errors)
        if checked is None:
            continue
        node, children = checked
        nodes.append(node)
        department = node.kind if node.kind in DEPARTMENTS else item.department
        where = f"{node.code}.children"
        stack.extend(_Pending(raw, f"{where}[{i}]", node, department)
                     for i, raw in reversed(list(enumerate(children))))
    return nodes


def _members(raw_members: object, nodes: dict[str, OrgNode], today: date | None,
             errors: list[str]) -> list[MemberRecord]:
    if raw_members is None:
        return []
    if not isinstance(raw_members, list):
        errors.append("members must be a list")
        return []
    records: list[MemberRecord] = []
    codes: dict[str, str] = {}
    id_numbers: dict[str, str] = {}
    for i, raw in enumerate(raw_members):
        if not isinstance(raw, dict):
            errors.append(f"members[{i}]: a member must be a mapping")
            continue
        code = raw.get("code")
        label = f"member {code}" if isinstance(code, str) and code else f"members[{i}]"
        unknown = sorted(str(k) for k in raw if k not in MEMBER_FIELDS)
        if unknown:
            errors.append(f"{label}: unknown key(s) {', '.join(unknown)}")
        record, problems = parse_member(raw, today)
        errors.extend(f"{label}: {p}" for p in problems)
        if record is None:
            continue
        errors.extend(f"{label}: {p}" for p in _member_clashes(record, nodes, codes,
                                                                id_numbers))
        records.append(record)
    return records


def _member_clashes(record: MemberRecord, nodes: dict[str, OrgNode], codes: dict[str, str],
                    id_numbers: dict[str, str]) -> Iterator[str]:
    branch = nodes.get(record.branch)
    if branch is None:
        yield f"unknown branch {record.branch!r}"
    elif branch.kind != BRANCH:
        yield f"{record.branch} is a {branch.kind}, not a branch"
    if record.code in codes:
        yield "duplicate member code"
    codes.setdefault(record.code, record.code)
    other = id_numbers.setdefault(record.id_number, record.code)
    if other != record.code:
        yield f"公民身份号码 also belongs to member {other}"


def _user(raw: dict[Any, Any], username: str, nodes: dict[str, OrgNode],
          errors: list[str]) -> UserRecord | None:
    label = f"user {username}"
    before = len(errors)
    unknown = sorted(str(k) for k in raw if k not in USER_KEYS)
    if unknown:
        errors.append(f"{label}: unknown key(s) {', '.join(unknown)}")
    org = nodes.get(str(raw.get("org")))
    if org is None:
        errors.append(f"{label}: unknown organisation {raw.get('org')!r}")
    roles = raw.get("roles")
    if not isinstance(roles, list) or not roles:
        errors.append(f"{label}: roles must be a non-empty list")
        roles = []
    for role in roles:
        problem = role_error(str(role), org.kind if org else BRANCH)
        if problem and (org is not None or problem.startswith("unknown")):
            errors.append(f"{label}: {problem}")
    password, name = raw.get("password"), raw.get("name")
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        errors.append(f"{label}: password must be text of at least {MIN_PASSWORD} characters")
    if not isinstance(name, str) or not name.strip():
        errors.append(f"{label}: name is missing")
    if len(errors) > before or org is None:
        return None
    return UserRecord(username, str(name).strip(), org.code,
                      tuple(str(r) for r in roles), str(password))


def _users(raw_users: object, nodes: dict[str, OrgNode],
           errors: list[str]) -> list[UserRecord]:
    if raw_users is None:
        return []
    if not isinstance(raw_users, list):
        errors.append("users must be a list")
        return []
    users: list[UserRecord] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_users):
        username = raw.get("username") if isinstance(raw, dict) else None
        if not isinstance(raw, dict) or not isinstance(username, str) \
                or not USERNAME_RE.match(username):
            errors.append(f"users[{i}]: a user needs a username of 2 to 64 lower-case "
                          "letters, digits, '.', '_' or '-'")
            continue
        if username in seen:
            errors.append(f"user {username}: duplicate username")
            continue
        seen.add(username)
        user = _user(raw, username, nodes, errors)
        if user is not None:
            users.append(user)
    return users


def _load_yaml(text: str | bytes) -> object:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"the file is not UTF-8 (byte {exc.start})") from None
    try:
        return load_plain(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ValueError(f"malformed YAML{where}: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise ValueError(f"malformed YAML: {exc}") from None


def parse_tree(text: str | bytes, source: str = "<file>",
               today: date | None = None) -> TreeFile:
    """Parse and check a tree file; raises :class:`TreeFileError` listing every problem."""
    try:
        data = _load_yaml(text)
    except ValueError as exc:
        raise TreeFileError(source, [str(exc)]) from None
    if not isinstance(data, dict):
        raise TreeFileError(source, ["the file must be a mapping with orgs (and members, "
                                     "users)"])
    errors: list[str] = []
    unknown = sorted(str(k) for k in data if k not in TOP_KEYS)
    if unknown:
        errors.append(f"unknown top-level key(s) {', '.join(unknown)} (expected "
                      f"{', '.join(TOP_KEYS)})")
    nodes = _walk(data.get("orgs"), errors)
    by_code = {n.code: n for n in nodes}
    members = _members(data.get("members"), by_code, today, errors)
    users = _users(data.get("users"), by_code, errors)
    if errors:
        raise TreeFileError(source, errors)
    return TreeFile(nodes, members, users)


def read_tree(path: str | Path, today: date | None = None) -> TreeFile:
    """Read and check the tree file at *path* (see :func:`parse_tree`)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise TreeFileError(str(path), [f"cannot read the file: {exc.strerror}"]) from None
    return parse_tree(data, str(path), today)
