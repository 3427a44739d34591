"""The five routes of ROUTING.md §3: who initiates, approves, issues, registers, receives
or handles a transfer. Pure functions of a :class:`~app.org.tree.Directory` and the codes
involved; every refusal is a :class:`~app.org.facts.RouteError` naming its article.

Reading beyond the table (intra): when up(U) and up(V) meet below their common top — U is
an ancestor of V, or they share a non-nationwide ancestor — the chain turns at the lowest
shared organisation, so that no organisation appears twice and the chain climbs then
descends. When the only shared organisation is the top, this is the table's rule.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from app.org.facts import (
    Policy,
    RouteError,
    as_policy,
    direct_scope,
    is_nationwide,
    require_branch,
    unit_in,
    up_in,
)
from app.org.tree import (
    BRANCH,
    CITY_DEPT,
    COMMITTEE,
    COUNTY_DEPT,
    GENERAL_BRANCH,
    PROVINCE_DEPT,
    SYSTEM,
    Directory,
    OrgError,
    OrgNode,
    may_parent,
)

Part = tuple[str, OrgNode | tuple[OrgNode, ...]]


class Route(ABC):
    """Common behaviour of the route results: ordered parts and their JSON form."""

    kind: ClassVar[str]
    rule: str

    @abstractmethod
    def parts(self) -> list[Part]:
        """The roles of the answer in order, as (JSON key, organisation(s))."""

    def to_json(self) -> dict[str, Any]:
        """Exactly the JSON keys of ROUTING.md §3 plus ``rule``; organisations as codes."""
        data: dict[str, Any] = {"kind": self.kind}
        for key, value in self.parts():
            data[key] = ([n.code for n in value] if isinstance(value, tuple) else value.code)
        data["rule"] = self.rule
        return data

    def orgs(self) -> list[OrgNode]:
        """Every organisation of the answer in order, each once (e.g. an initiator that
        also issues the letter)."""
        result: list[OrgNode] = []
        for _key, value in self.parts():
            for node in value if isinstance(value, tuple) else (value,):
                if node not in result:
                    result.append(node)
        return result


@dataclass(frozen=True)
class IntraRoute(Route):
    """省内转接 (Art. 9)."""

    initiator: OrgNode
    approvers: tuple[OrgNode, ...]
    receiver: OrgNode
    rule: str
    kind: ClassVar[str] = "intra"

    def parts(self) -> list[Part]:
        return [("initiator", self.initiator), ("approvers", self.approvers),
                ("receiver", self.receiver)]


@dataclass(frozen=True)
class OutRoute(Route):
    """转出省外 (Art. 10(一))."""

    initiator: OrgNode
    approvers: tuple[OrgNode, ...]
    issuer: OrgNode
    rule: str
    kind: ClassVar[str] = "out"

    def parts(self) -> list[Part]:
        return [("initiator", self.initiator), ("approvers", self.approvers),
                ("issuer", self.issuer)]


@dataclass(frozen=True)
class InRoute(Route):
    """省外转入 (Art. 10(二))."""

    registrar: OrgNode
    approvers: tuple[OrgNode, ...]
    receiver: OrgNode
    rule: str
    kind: ClassVar[str] = "in"

    def parts(self) -> list[Part]:
        return [("registrar", self.registrar), ("approvers", self.approvers),
                ("receiver", self.receiver)]


@dataclass(frozen=True)
class WholeUnitRoute(Route):
    """整建制转接 (Art. 6): ``unit`` moves from ``from_`` to ``to``; ``handler`` handles it."""

    unit: OrgNode
    from_: OrgNode
    to: OrgNode
    handler: OrgNode
    rule: str
    kind: ClassVar[str] = "whole-unit"

    def parts(self) -> list[Part]:
        return [("unit", self.unit), ("from", self.from_), ("to", self.to),
                ("handler", self.handler)]


@dataclass(frozen=True)
class OutOfSystemRoute(Route):
    """转往系统外 (Art. 12)."""

    initiator: OrgNode
    approvers: tuple[OrgNode, ...]
    handler: OrgNode
    rule: str
    kind: ClassVar[str] = "out-of-system"

    def parts(self) -> list[Part]:
        return [("initiator", self.initiator), ("approvers", self.approvers),
                ("handler", self.handler)]


ROUTE_KINDS: tuple[str, ...] = ("intra", "out", "in", "whole-unit", "out-of-system")


def _unit_chain(directory: Directory, branch_code: str, role: str,
                article: str) -> list[OrgNode]:
    """The chain of unit(B): the suffix of chain(B) that starts at the unit."""
    chain = directory.chain(branch_code)
    require_branch(chain[0], role, article)
    unit = unit_in(chain)
    return chain[chain.index(unit):]


def _turn(up_u: Sequence[OrgNode], up_v: Sequence[OrgNode]) -> list[OrgNode]:
    """up(U) then up(V) reversed, turning at the lowest organisation both share."""
    index_v = {node.code: i for i, node in enumerate(up_v)}
    for i, node in enumerate(up_u):
        j = index_v.get(node.code)
        if j is not None:
            return [*up_u[:i + 1], *reversed(up_v[:j])]
    return [*up_u, *reversed(up_v)]


def _chain_rule(path: Sequence[OrgNode], policy: Policy) -> str:
    """Articles behind a level-by-level chain."""
    articles = ["Art. 8", "Art. 9(三): level by level up to organisations with nationwide "
                "authority (Art. 4)"]
    if any(n.kind == SYSTEM and not n.nationwide for n in path):
        articles.append("Art. 7: a system without nationwide authority goes through its "
                        "department")
    if policy is Policy.NATIONAL_2019 and any(n.kind == COMMITTEE for n in (path[0], path[-1])):
        articles.append("条例 2019 Art. 25: committees with approval authority transfer "
                        "nationwide")
    return "; ".join(articles)


_DIRECT_RULES = {
    "county": "Art. 5: committees with approval authority in the same county transfer "
              "directly (Art. 7 only forbids crossing the county)",
    "system": "Art. 5: committees with approval authority in the same provincial or "
              "municipal system transfer directly",
}


def route_intra(directory: Directory, from_code: str, to_code: str,
                policy: Policy | str = Policy.HUNAN_2018) -> IntraRoute:
    """``route intra --from B1 --to B2``: initiator unit(B1), approvers, receiver unit(B2)."""
    pol = as_policy(policy)
    chain_u = _unit_chain(directory, from_code, "the source", "Art. 8")
    chain_v = _unit_chain(directory, to_code, "the target", "Art. 9(四)")
    if from_code == to_code:
        raise RouteError("Art. 9", f"the source and the target are the same branch {from_code}")
    if chain_u[-1] != chain_v[-1]:
        raise RouteError("Art. 10", f"{from_code} and {to_code} are in different provinces: "
                                    "use route out and route in")
    u, v = chain_u[0], chain_v[0]
    if u == v:
        return IntraRoute(u, (), v, f"Art. 8: both branches belong to {u.code}, which "
                                    "transfers by itself")
    scope = direct_scope(chain_u, chain_v)
    if scope is not None:
        return IntraRoute(u, (), v, _DIRECT_RULES[scope])
    path = _turn(up_in(chain_u, pol), up_in(chain_v, pol))
    return IntraRoute(u, tuple(path[1:-1]), v, _chain_rule(path, pol))


def _upward(directory: Directory, from_code: str,
            policy: Policy) -> tuple[OrgNode, tuple[OrgNode, ...], OrgNode]:
    """Initiator unit(B1), the approvers, and the nationwide organisation at the top."""
    up_u = up_in(_unit_chain(directory, from_code, "the source", "Art. 8"), policy)
    return up_u[0], tuple(up_u[1:-1]), up_u[-1]


def route_out(directory: Directory, from_code: str,
              policy: Policy | str = Policy.HUNAN_2018) -> OutRoute:
    """``route out --from B1`` (Art. 10(一)): up(unit(B1)); its last issues the letter."""
    initiator, approvers, issuer = _upward(directory, from_code, as_policy(policy))
    return OutRoute(initiator, approvers, issuer,
                    "Art. 10(一): online up to an organisation with nationwide authority "
                    "(Art. 4), which prints and issues the paper letter")


def route_out_of_system(directory: Directory, from_code: str,
                        policy: Policy | str = Policy.HUNAN_2018) -> OutOfSystemRoute:
    """``route out-of-system --from B1`` (Art. 12): like out; the last records the member
    as transferred out of the system."""
    initiator, approvers, handler = _upward(directory, from_code, as_policy(policy))
    return OutOfSystemRoute(initiator, approvers, handler,
                            "Art. 12: online up to an organisation with nationwide authority "
                            "(Art. 4), which transfers the member out of the system; the "
                            "record is never deleted")


def route_in(directory: Directory, entry_code: str, to_code: str,
             policy: Policy | str = Policy.HUNAN_2018) -> InRoute:
    """``route in --entry E --to B2`` (Art. 10(二)): E registers the paper letter; the
    chain descends to unit(B2)."""
    pol = as_policy(policy)
    chain_e = directory.chain(entry_code)
    entry = chain_e[0]
    if not is_nationwide(entry, pol):
        raise RouteError("Art. 10(二)", f"the paper letter must be addressed to an organisation "
                                        f"with nationwide authority (Art. 4); {entry.code} is "
                                        f"a {entry.kind} without it")
    chain_v = _unit_chain(directory, to_code, "the target", "Art. 9(四)")
    if chain_e[-1] != chain_v[-1]:
        raise RouteError("Art. 10(二)", f"{entry.code} and {to_code} are in different provinces")
    up_v = up_in(chain_v, pol)
    codes = [n.code for n in up_v]
    if entry.code in codes:
        path = list(reversed(up_v[:codes.index(entry.code) + 1]))
    else:
        path = [entry, *reversed(up_v)]
    return InRoute(path[0], tuple(path[1:-1]), path[-1],
                   "Art. 10(二): the addressee of the paper letter registers it and the "
                   "transfer descends level by level to the receiving unit")


_MOVABLE = (COMMITTEE, GENERAL_BRANCH, BRANCH)

_HANDLER_RULES = {
    PROVINCE_DEPT: "Art. 6: cross-city and cross-provincial-system whole-unit transfers are "
                   "handled by the 省委组织部",
    CITY_DEPT: "Art. 6: cross-county and cross-municipal-system whole-unit transfers are "
               "handled by the 市州委组织部",
    COUNTY_DEPT: "Art. 6 (reading: the article is silent inside one county; the county "
                 "department handles it)",
    SYSTEM: "Art. 6 (reading: inside one system with nationwide authority the system "
            "handles it)",
}


def route_whole_unit(directory: Directory, unit_code: str, to_code: str,
                     policy: Policy | str = Policy.HUNAN_2018) -> WholeUnitRoute:
    """``route whole-unit --unit X --to Q`` (Art. 6): X moves with its subtree under Q; the
    handler is the nearest common ancestor of the old and new parent that is a department or
    a nationwide system. *policy* is accepted for symmetry: Art. 6 does not depend on it."""
    as_policy(policy)
    chain_x = directory.chain(unit_code)
    unit = chain_x[0]
    if unit.kind not in _MOVABLE:
        raise RouteError("Art. 6", f"only a committee, general branch or branch moves as a "
                                   f"whole unit; {unit.code} is a {unit.kind}")
    if len(chain_x) < 2:
        raise RouteError("Art. 6", f"{unit.code} has no parent to move from")
    parent = chain_x[1]
    chain_q = directory.chain(to_code)
    target = chain_q[0]
    if unit in chain_q:
        raise RouteError("Art. 6", f"{unit.code} cannot move into its own subtree "
                                   f"({target.code})")
    if target == parent:
        raise RouteError("Art. 6", f"{unit.code} is already under {target.code}")
    if not may_parent(target.kind, unit.kind):
        raise RouteError("Art. 6", f"a {target.kind} cannot be the parent of a {unit.kind} "
                                   f"(ROUTING.md §1); {target.code} cannot receive {unit.code}")
    above_q = {n.code for n in chain_q}
    for node in chain_x[1:]:
        if node.code in above_q and (node.is_department
                                     or (node.kind == SYSTEM and node.nationwide)):
            return WholeUnitRoute(unit, parent, target, node, _HANDLER_RULES[node.kind])
    raise RouteError("Art. 6", f"{parent.code} and {target.code} have no common department")


#: The parameters each route kind needs, as the CLI names them (--from, --to, …).
ROUTE_PARAMS: dict[str, tuple[str, ...]] = {
    "intra": ("from", "to"),
    "out": ("from",),
    "in": ("entry", "to"),
    "whole-unit": ("unit", "to"),
    "out-of-system": ("from",),
}


def compute_route(directory: Directory, kind: str, params: Mapping[str, str],
                  policy: Policy | str = Policy.HUNAN_2018) -> Route:
    """The route of *kind* for *params* (keys of :data:`ROUTE_PARAMS`), e.g.
    ``compute_route(d, "intra", {"from": "B1", "to": "B2"})``."""
    names = ROUTE_PARAMS.get(kind)
    if names is None:
        raise OrgError(f"unknown route kind {kind!r} (one of {', '.join(ROUTE_KINDS)})")
    missing = [n for n in names if not params.get(n)]
    if missing:
        raise OrgError(f"route {kind} needs --{', --'.join(missing)}")
    args = [params[n] for n in names]
    functions: dict[str, Callable[..., Route]] = {
        "intra": route_intra, "out": route_out, "in": route_in,
        "whole-unit": route_whole_unit, "out-of-system": route_out_of_system,
    }
    return functions[kind](directory, *args, policy=policy)


__all__ = [
    "ROUTE_KINDS", "ROUTE_PARAMS", "InRoute", "IntraRoute", "OutOfSystemRoute", "OutRoute",
    "Route", "WholeUnitRoute", "compute_route", "route_in", "route_intra", "route_out",
    "route_out_of_system", "route_whole_unit",
]
