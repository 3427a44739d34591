"""The organisation tree of ROUTING.md §1: nodes, the parent-kind table and directories.

A :class:`Directory` answers two questions only — one node by code, and the chain of a
node up to the root — so that every routing rule can be answered from the ancestor rows
of the organisations involved, whether the tree lives in memory or in a database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

PROVINCE_DEPT = "province_dept"
CITY_DEPT = "city_dept"
COUNTY_DEPT = "county_dept"
SYSTEM = "system"
COMMITTEE = "committee"
GENERAL_BRANCH = "general_branch"
BRANCH = "branch"

KINDS: tuple[str, ...] = (
    PROVINCE_DEPT, CITY_DEPT, COUNTY_DEPT, SYSTEM, COMMITTEE, GENERAL_BRANCH, BRANCH,
)
DEPARTMENTS: frozenset[str] = frozenset({PROVINCE_DEPT, CITY_DEPT, COUNTY_DEPT})
ROOT_KINDS: frozenset[str] = frozenset({PROVINCE_DEPT})

#: ROUTING.md §1: which kinds each kind may be the parent of.
CHILD_KINDS: dict[str, frozenset[str]] = {
    PROVINCE_DEPT: frozenset({CITY_DEPT, SYSTEM, COMMITTEE, BRANCH}),
    CITY_DEPT: frozenset({COUNTY_DEPT, SYSTEM, COMMITTEE, BRANCH}),
    COUNTY_DEPT: frozenset({SYSTEM, COMMITTEE, GENERAL_BRANCH, BRANCH}),
    SYSTEM: frozenset({SYSTEM, COMMITTEE, GENERAL_BRANCH, BRANCH}),
    COMMITTEE: frozenset({COMMITTEE, GENERAL_BRANCH, BRANCH}),
    GENERAL_BRANCH: frozenset({BRANCH}),
    BRANCH: frozenset(),
}

#: Chinese names of the kinds, for messages and screens.
KIND_NAMES: dict[str, str] = {
    PROVINCE_DEPT: "省委组织部",
    CITY_DEPT: "市州委组织部",
    COUNTY_DEPT: "县市区委组织部",
    SYSTEM: "行业系统党（工）委",
    COMMITTEE: "基层党委",
    GENERAL_BRANCH: "党总支",
    BRANCH: "党支部",
}


def may_parent(parent_kind: str, child_kind: str) -> bool:
    """True when an organisation of *parent_kind* may be the parent of one of *child_kind*."""
    return child_kind in CHILD_KINDS.get(parent_kind, frozenset())


class OrgError(Exception):
    """Base of every refusal of the organisation module."""


class UnknownOrgError(OrgError, LookupError):
    """A code that names no organisation."""

    def __init__(self, code: str) -> None:
        super().__init__(f"unknown organisation code {code!r}")
        self.code = code

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class OrgNode:
    """One party organisation. ``nationwide`` is the flag of a ``system`` (Art. 4);
    ``approves_members`` is the flag of a ``committee`` (具有发展党员审批权限, Art. 5)."""

    code: str
    name: str
    kind: str
    parent_code: str | None = None
    nationwide: bool = False
    approves_members: bool = False

    @property
    def is_department(self) -> bool:
        """A province, city or county organisation department."""
        return self.kind in DEPARTMENTS

    def label(self) -> str:
        """``CODE 名称`` for messages and text output."""
        return f"{self.code} {self.name}"


class Directory(Protocol):
    """Read access to the tree: every rule is computed from these two calls only."""

    def get(self, code: str) -> OrgNode:
        """The node with *code*; raises :class:`UnknownOrgError` when there is none."""
        ...

    def chain(self, code: str) -> list[OrgNode]:
        """The node with *code*, then its parent, … up to and including the root."""
        ...


class MemoryDirectory:
    """A directory over nodes held in memory (``--orgs FILE`` and tests)."""

    def __init__(self, nodes: Iterable[OrgNode]) -> None:
        self._nodes: dict[str, OrgNode] = {}
        for node in nodes:
            if node.code in self._nodes:
                raise OrgError(f"{node.code}: duplicate organisation code")
            self._nodes[node.code] = node
        for node in self._nodes.values():
            if node.parent_code is not None and node.parent_code not in self._nodes:
                raise OrgError(f"{node.code}: unknown parent {node.parent_code!r}")

    def __len__(self) -> int:
        return len(self._nodes)

    def __contains__(self, code: object) -> bool:
        return code in self._nodes

    def nodes(self) -> list[OrgNode]:
        """Every node, in the order given."""
        return list(self._nodes.values())

    def get(self, code: str) -> OrgNode:
        """The node with *code*; raises :class:`UnknownOrgError` when there is none."""
        try:
            return self._nodes[code]
        except KeyError:
            raise UnknownOrgError(code) from None

    def chain(self, code: str) -> list[OrgNode]:
        """The node with *code*, then its ancestors up to the root."""
        result = [self.get(code)]
        seen = {code}
        while result[-1].parent_code is not None:
            parent = self._nodes[result[-1].parent_code]
            if parent.code in seen:
                raise OrgError(f"{code}: the parent links form a cycle at {parent.code}")
            seen.add(parent.code)
            result.append(parent)
        return result
