"""Properties of the routes over random valid trees (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.org import (
    POLICIES,
    MemoryDirectory,
    OrgNode,
    RouteError,
    is_nationwide,
    parse_tree,
    route_in,
    route_intra,
    route_out,
    route_whole_unit,
    up,
)
from app.org.tree import CHILD_KINDS, SYSTEM
from tests.org_factories import branches, org_trees, tree_to_yaml

policies = st.sampled_from(POLICIES)


def _sequence(initiator: OrgNode, approvers: tuple[OrgNode, ...],
              receiver: OrgNode) -> list[OrgNode]:
    return [initiator, *approvers] + ([] if receiver == initiator else [receiver])


def _check_intra(d: MemoryDirectory, a: str, b: str, policy: str) -> list[str]:
    route = route_intra(d, a, b, policy)
    seq = _sequence(route.initiator, route.approvers, route.receiver)
    codes = [n.code for n in seq]
    assert len(codes) == len(set(codes)), f"an organisation twice in {codes}"
    if route.initiator == route.receiver:
        assert route.approvers == ()
        return codes
    up_u = up(d, route.initiator.code, policy)
    up_v = up(d, route.receiver.code, policy)
    for approver in route.approvers:
        assert approver in up_u or approver in up_v
    # climbs along up(U), then descends along up(V) reversed
    assert any(seq[:k] == up_u[:k] and seq[k:] == list(reversed(up_v[:len(seq) - k]))
               for k in range(1, len(seq)))
    return codes


@settings(max_examples=150, deadline=None)
@given(org_trees(), policies)
def test_intra_routes_are_simple_monotone_and_symmetric(nodes: list[OrgNode],
                                                         policy: str) -> None:
    d = MemoryDirectory(nodes)
    codes = branches(nodes)
    for a in codes:
        for b in codes:
            if a == b:
                continue
            there = _check_intra(d, a, b, policy)
            back = _check_intra(d, b, a, policy)
            assert back == list(reversed(there))


@settings(max_examples=100, deadline=None)
@given(org_trees(), policies, st.data())
def test_out_and_in_routes(nodes: list[OrgNode], policy: str, data: st.DataObject) -> None:
    d = MemoryDirectory(nodes)
    for b in branches(nodes):
        out = route_out(d, b, policy)
        assert is_nationwide(out.issuer, policy)
        seq = _sequence(out.initiator, out.approvers, out.issuer)
        assert seq == up(d, out.initiator.code, policy)
        entries = [n for n in nodes if is_nationwide(n, policy)]
        entry = data.draw(st.sampled_from(entries))
        came = route_in(d, entry.code, b, policy)
        seq = _sequence(came.registrar, came.approvers, came.receiver)
        assert came.registrar == entry
        assert len({n.code for n in seq}) == len(seq)
        up_v = up(d, came.receiver.code, policy)
        assert all(n in up_v for n in came.approvers)


@settings(max_examples=100, deadline=None)
@given(org_trees(), st.data())
def test_whole_unit_handler_is_the_nearest_common_authority(nodes: list[OrgNode],
                                                            data: st.DataObject) -> None:
    d = MemoryDirectory(nodes)
    unit = data.draw(st.sampled_from(nodes))
    target = data.draw(st.sampled_from(nodes))
    try:
        route = route_whole_unit(d, unit.code, target.code)
    except RouteError as exc:
        assert str(exc).startswith("Art. 6: ")
        return
    assert unit.kind in ("committee", "general_branch", "branch")
    assert unit.kind in CHILD_KINDS[target.kind]
    assert unit not in d.chain(target.code)
    above_p, above_q = d.chain(route.from_.code), d.chain(target.code)
    assert route.handler in above_p and route.handler in above_q
    assert route.handler.is_department or (route.handler.kind == SYSTEM
                                           and route.handler.nationwide)
    closer = above_p[: above_p.index(route.handler)]
    assert not any(n in above_q and (n.is_department or (n.kind == SYSTEM and n.nationwide))
                   for n in closer)


@settings(max_examples=60, deadline=None)
@given(org_trees())
def test_every_valid_tree_passes_the_loader(nodes: list[OrgNode]) -> None:
    loaded = parse_tree(tree_to_yaml(nodes))
    assert sorted(loaded.nodes, key=lambda n: n.code) == sorted(nodes, key=lambda n: n.code)
