"""Derived facts of ROUTING.md §1: county, city, system and its level, unit, nationwide, up,
direct. Every fact is computed from the chain of the organisation concerned, so a directory
only ever fetches a node and its ancestors.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from app.org.tree import (
    BRANCH,
    CITY_DEPT,
    COMMITTEE,
    COUNTY_DEPT,
    PROVINCE_DEPT,
    SYSTEM,
    Directory,
    OrgError,
    OrgNode,
)


class Policy(StrEnum):
    """Which reading of transfer authority applies (config ``policy``, CLI ``--policy``)."""

    HUNAN_2018 = "hunan-2018"
    NATIONAL_2019 = "national-2019"


POLICIES: tuple[str, ...] = tuple(p.value for p in Policy)

_LEVELS = {PROVINCE_DEPT: "province", CITY_DEPT: "city", COUNTY_DEPT: "county"}


class RouteError(OrgError):
    """A request that breaks a rule; ``str()`` starts with the article, e.g. "Art. 8: …"."""

    def __init__(self, article: str, message: str) -> None:
        super().__init__(f"{article}: {message}")
        self.article = article
        self.message = message

    def __str__(self) -> str:
        return f"{self.article}: {self.message}"


def as_policy(policy: Policy | str) -> Policy:
    """The :class:`Policy` named by *policy*; a clear error for anything else."""
    try:
        return Policy(policy)
    except ValueError:
        raise OrgError(
            f"unknown policy {policy!r}: use one of {', '.join(POLICIES)}"
        ) from None


def _nearest(chain: Sequence[OrgNode], kind: str) -> OrgNode | None:
    return next((node for node in chain if node.kind == kind), None)


def county_in(chain: Sequence[OrgNode]) -> OrgNode | None:
    """The nearest ``county_dept`` of a chain (the node itself included)."""
    return _nearest(chain, COUNTY_DEPT)


def city_in(chain: Sequence[OrgNode]) -> OrgNode | None:
    """The nearest ``city_dept`` of a chain (the node itself included)."""
    return _nearest(chain, CITY_DEPT)


def system_in(chain: Sequence[OrgNode]) -> tuple[OrgNode, str | None] | None:
    """The nearest ``system`` of a chain and its level (province, city or county:
    the kind of the nearest department above the system), or None."""
    for index, node in enumerate(chain):
        if node.kind == SYSTEM:
            level = next((_LEVELS[n.kind] for n in chain[index + 1:] if n.kind in _LEVELS),
                         None)
            return node, level
    return None


def is_nationwide(node: OrgNode, policy: Policy | str = Policy.HUNAN_2018) -> bool:
    """Art. 4: departments and flagged systems transfer nationwide; under ``national-2019``
    (条例 2019 Art. 25) so do committees with approval authority."""
    if node.is_department:
        return True
    if node.kind == SYSTEM:
        return node.nationwide
    return (node.kind == COMMITTEE and node.approves_members
            and as_policy(policy) is Policy.NATIONAL_2019)


def is_unit(node: OrgNode) -> bool:
    """An organisation that transfers by itself: a department, a system, or a committee
    with approval authority (Art. 8 skips general branches and the other committees)."""
    return (node.is_department or node.kind == SYSTEM
            or (node.kind == COMMITTEE and node.approves_members))


def unit_in(chain: Sequence[OrgNode]) -> OrgNode:
    """unit(B) of the branch heading *chain*: the nearest ancestor (B excluded) that is a unit."""
    for node in chain[1:]:
        if is_unit(node):
            return node
    raise RouteError("Art. 8", f"no organisation above {chain[0].code} can transfer its members")


def up_in(chain: Sequence[OrgNode], policy: Policy | str) -> list[OrgNode]:
    """up(U) for the chain of U: U, its parent … up to the first nationwide organisation."""
    result: list[OrgNode] = []
    for node in chain:
        result.append(node)
        if is_nationwide(node, policy):
            return result
    raise RouteError("Art. 4", f"no organisation above {chain[0].code} transfers nationwide")


def direct_scope(chain_u: Sequence[OrgNode], chain_v: Sequence[OrgNode]) -> str | None:
    """Why U and V may transfer directly (Art. 5): "county" or "system"; None when they
    may not. Art. 7 only forbids crossing the county, so a county-level system's committees
    count as the same county."""
    u, v = chain_u[0], chain_v[0]
    if not all(n.kind == COMMITTEE and n.approves_members for n in (u, v)):
        return None
    county_u, county_v = county_in(chain_u), county_in(chain_v)
    if county_u is not None and county_u == county_v:
        return "county"
    system_u, system_v = system_in(chain_u), system_in(chain_v)
    if system_u is not None and system_u == system_v and system_u[1] in ("province", "city"):
        return "system"
    return None


def direct_between(chain_u: Sequence[OrgNode], chain_v: Sequence[OrgNode]) -> bool:
    """direct(U, V) for the chains of U and V."""
    return direct_scope(chain_u, chain_v) is not None


def county(directory: Directory, code: str) -> OrgNode | None:
    """county(X): the nearest county department above X (X included), or None."""
    return county_in(directory.chain(code))


def city(directory: Directory, code: str) -> OrgNode | None:
    """city(X): the nearest city department above X (X included), or None."""
    return city_in(directory.chain(code))


def system(directory: Directory, code: str) -> tuple[OrgNode, str | None] | None:
    """system(X) and its level ("province", "city" or "county"), or None."""
    return system_in(directory.chain(code))


def unit(directory: Directory, branch_code: str) -> OrgNode:
    """unit(B) of a branch B; raises :class:`RouteError` (Art. 8) when B is not a branch."""
    chain = directory.chain(branch_code)
    require_branch(chain[0], "the source")
    return unit_in(chain)


def up(directory: Directory, code: str,
       policy: Policy | str = Policy.HUNAN_2018) -> list[OrgNode]:
    """up(U): U, its parent, … up to and including the first nationwide organisation."""
    return up_in(directory.chain(code), policy)


def direct(directory: Directory, u_code: str, v_code: str) -> bool:
    """direct(U, V) of ROUTING.md §1 (Art. 5)."""
    return direct_between(directory.chain(u_code), directory.chain(v_code))


def require_branch(node: OrgNode, role: str, article: str = "Art. 8") -> None:
    """Refuse anything but a branch as *role* ("the source", "the target") of a transfer."""
    if node.kind == BRANCH:
        return
    if node.kind == "general_branch" and role == "the source":
        raise RouteError(article, f"a general branch cannot transfer by itself ({node.code}); "
                                  "the source must be a branch")
    raise RouteError(article, f"{role} must be a branch; {node.code} is a {node.kind}")
