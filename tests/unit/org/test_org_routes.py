"""The worked examples of ROUTING.md §3 and every refusal, through the pure module."""

from __future__ import annotations

from typing import Any

import pytest

from app.org import (
    MemoryDirectory,
    OrgError,
    OrgNode,
    RouteError,
    UnknownOrgError,
    city,
    compute_route,
    county,
    direct,
    read_tree,
    system,
    unit,
    up,
)
from tests.org_factories import ROUTE_KEYS, ROUTING_TREE, WORKED_EXAMPLES


@pytest.fixture(scope="module")
def tree() -> MemoryDirectory:
    return read_tree(ROUTING_TREE).directory()


@pytest.mark.parametrize(("kind", "params", "policy", "expected"), WORKED_EXAMPLES)
def test_worked_example(tree: MemoryDirectory, kind: str, params: dict[str, str],
                        policy: str, expected: dict[str, Any]) -> None:
    answer = compute_route(tree, kind, params, policy).to_json()
    assert set(answer) == ROUTE_KEYS[kind]
    assert answer["kind"] == kind
    assert {k: answer[k] for k in expected} == expected
    assert answer["rule"].strip()


def test_whole_unit_answer_names_unit_and_parents(tree: MemoryDirectory) -> None:
    answer = compute_route(tree, "whole-unit", {"unit": "CS-YL-P2", "to": "CS-YH"}).to_json()
    assert answer["unit"] == "CS-YL-P2"
    assert answer["from"] == "CS-YL"
    assert answer["to"] == "CS-YH"


def test_nationwide_unit_initiates_and_issues_itself() -> None:
    nodes = [OrgNode("HN", "省", "province_dept"), OrgNode("B", "支部", "branch", "HN")]
    answer = compute_route(MemoryDirectory(nodes), "out", {"from": "B"}).to_json()
    assert answer["initiator"] == answer["issuer"] == "HN"
    assert answer["approvers"] == []


def test_in_entry_below_the_top_cuts_the_chain(tree: MemoryDirectory) -> None:
    answer = compute_route(tree, "in", {"entry": "CS-YL", "to": "CS-YL-JY-P1-B1"}).to_json()
    assert (answer["registrar"], answer["approvers"], answer["receiver"]) == (
        "CS-YL", ["CS-YL-JY"], "CS-YL-JY-P1")


def test_in_entry_outside_the_chain_descends(tree: MemoryDirectory) -> None:
    answer = compute_route(tree, "in", {"entry": "HN-JG", "to": "CS-YH-P1-B1"}).to_json()
    assert answer["approvers"] == ["CS-YH"]


def test_same_unit_needs_no_approver(tree: MemoryDirectory) -> None:
    extra = OrgNode("CS-YL-P1-B2", "第二支部", "branch", "CS-YL-P1")
    d = MemoryDirectory([*tree.nodes(), extra])
    answer = compute_route(d, "intra", {"from": "CS-YL-P1-V-B1", "to": "CS-YL-P1-B2"})
    assert answer.to_json()["approvers"] == []
    assert answer.to_json()["initiator"] == answer.to_json()["receiver"] == "CS-YL-P1"


def test_unit_is_an_ancestor_of_the_other_unit() -> None:
    # A branch directly under a city system, the other under a committee of that system:
    # the chain turns at the system instead of climbing to the city department twice.
    nodes = [OrgNode("HN", "省", "province_dept"), OrgNode("C", "市", "city_dept", "HN"),
             OrgNode("S", "市直机关工委", "system", "C"), OrgNode("S-B", "支部", "branch", "S"),
             OrgNode("K", "委员会", "committee", "S", approves_members=True),
             OrgNode("K-B", "支部", "branch", "K")]
    d = MemoryDirectory(nodes)
    there = compute_route(d, "intra", {"from": "S-B", "to": "K-B"}).to_json()
    back = compute_route(d, "intra", {"from": "K-B", "to": "S-B"}).to_json()
    assert (there["initiator"], there["approvers"], there["receiver"]) == ("S", [], "K")
    assert (back["initiator"], back["approvers"], back["receiver"]) == ("K", [], "S")


@pytest.mark.parametrize(("kind", "params", "policy", "article", "fragment"), [
    ("intra", {"from": "CS-YL-P1", "to": "CS-YL-P2-B1"}, "hunan-2018", "Art. 8",
     "must be a branch"),
    ("intra", {"from": "CS-YL-P1-B1", "to": "CS-YL-P2"}, "hunan-2018", "Art. 9(四)",
     "the target must be a branch"),
    ("intra", {"from": "CS-YL-P1-B1", "to": "CS-YL-P1-B1"}, "hunan-2018", "Art. 9",
     "same branch"),
    ("out", {"from": "HN"}, "hunan-2018", "Art. 8", "must be a branch"),
    ("out-of-system", {"from": "CS-YL-P1-V"}, "hunan-2018", "Art. 8", "must be a branch"),
    ("in", {"entry": "CS-YL-P1", "to": "CS-YL-P2-B1"}, "hunan-2018", "Art. 10(二)",
     "nationwide"),
    ("in", {"entry": "CS-YL-JY", "to": "CS-YL-P2-B1"}, "hunan-2018", "Art. 10(二)",
     "nationwide"),
    ("in", {"entry": "CS", "to": "CS-YL"}, "hunan-2018", "Art. 9(四)", "must be a branch"),
    ("whole-unit", {"unit": "CS-YL", "to": "CS"}, "hunan-2018", "Art. 6", "county_dept"),
    ("whole-unit", {"unit": "CS-YL-JY", "to": "CS-YH"}, "hunan-2018", "Art. 6", "system"),
    ("whole-unit", {"unit": "CS-YL-P1", "to": "CS-YL-P1-V"}, "hunan-2018", "Art. 6",
     "own subtree"),
    ("whole-unit", {"unit": "CS-YL-P1", "to": "CS-YL-P1"}, "hunan-2018", "Art. 6",
     "own subtree"),
    ("whole-unit", {"unit": "CS-YL-P2", "to": "CS-YL"}, "hunan-2018", "Art. 6",
     "already under"),
    ("whole-unit", {"unit": "CS-YL-P2", "to": "CS-YH-P1-B1"}, "hunan-2018", "Art. 6",
     "cannot be the parent"),
])
def test_refusal_names_the_article(tree: MemoryDirectory, kind: str, params: dict[str, str],
                                   policy: str, article: str, fragment: str) -> None:
    with pytest.raises(RouteError) as info:
        compute_route(tree, kind, params, policy)
    assert str(info.value).startswith(article + ": ")
    assert info.value.article == article
    assert fragment in str(info.value)


def test_general_branch_cannot_transfer_by_itself() -> None:
    nodes = [OrgNode("HN", "省", "province_dept"), OrgNode("C", "市", "city_dept", "HN"),
             OrgNode("X", "县", "county_dept", "C"),
             OrgNode("G", "总支", "general_branch", "X"), OrgNode("G-B", "支部", "branch", "G"),
             OrgNode("X-B", "支部", "branch", "X")]
    with pytest.raises(RouteError, match=r"^Art\. 8: a general branch cannot transfer by"):
        compute_route(MemoryDirectory(nodes), "intra", {"from": "G", "to": "X-B"})
    answer = compute_route(MemoryDirectory(nodes), "intra", {"from": "G-B", "to": "X-B"})
    assert answer.to_json()["initiator"] == "X"


def test_unknown_codes_and_kinds_are_named(tree: MemoryDirectory) -> None:
    with pytest.raises(UnknownOrgError, match="'NOPE'"):
        compute_route(tree, "intra", {"from": "NOPE", "to": "CS-YL-P2-B1"})
    with pytest.raises(UnknownOrgError, match="'NOPE'"):
        compute_route(tree, "whole-unit", {"unit": "CS-YL-P2", "to": "NOPE"})
    with pytest.raises(OrgError, match="unknown route kind"):
        compute_route(tree, "sideways", {})
    with pytest.raises(OrgError, match="needs --to"):
        compute_route(tree, "intra", {"from": "CS-YL-P1-B1"})
    with pytest.raises(OrgError, match="unknown policy"):
        compute_route(tree, "out", {"from": "CS-YL-P1-B1"}, "beijing-2020")


def test_different_provinces_are_refused() -> None:
    nodes = [OrgNode("HN", "湖南", "province_dept"), OrgNode("HN-B", "支部", "branch", "HN"),
             OrgNode("HB", "湖北", "province_dept"), OrgNode("HB-B", "支部", "branch", "HB")]
    d = MemoryDirectory(nodes)
    with pytest.raises(RouteError, match=r"^Art\. 10: .*different provinces"):
        compute_route(d, "intra", {"from": "HN-B", "to": "HB-B"})
    with pytest.raises(RouteError, match="different provinces"):
        compute_route(d, "in", {"entry": "HN", "to": "HB-B"})
    with pytest.raises(RouteError, match="no common department"):
        compute_route(d, "whole-unit", {"unit": "HN-B", "to": "HB"})


def test_derived_facts(tree: MemoryDirectory) -> None:
    assert county(tree, "CS-YL-JY-P1-B1").code == "CS-YL"  # type: ignore[union-attr]
    assert city(tree, "CS-YL-JY-P1-B1").code == "CS"  # type: ignore[union-attr]
    assert county(tree, "HN-JG-SW") is None and city(tree, "HN-JG-SW") is None
    found = system(tree, "CS-YL-JY-P1-B1")
    assert found is not None and (found[0].code, found[1]) == ("CS-YL-JY", "county")
    found = system(tree, "HN-JG-SW-B1")
    assert found is not None and (found[0].code, found[1]) == ("HN-JG", "province")
    assert system(tree, "CS-YH-P1") is None
    assert unit(tree, "CS-YL-P1-V-B1").code == "CS-YL-P1"
    assert [n.code for n in up(tree, "CS-YL-JY-P1")] == ["CS-YL-JY-P1", "CS-YL-JY", "CS-YL"]
    assert [n.code for n in up(tree, "CS-YL-JY-P1", "national-2019")] == ["CS-YL-JY-P1"]
    assert direct(tree, "CS-YL-P1", "CS-YL-JY-P1")
    assert not direct(tree, "CS-YL-P1", "CS-YH-P1")
    assert not direct(tree, "CS-YL-P1", "CS-YL-P1-V")  # no approval authority
    assert tree.chain("CS-YL-P1-B1")[-1].code == "HN"


def test_provincial_system_committees_transfer_directly() -> None:
    nodes = [OrgNode("HN", "省", "province_dept"),
             OrgNode("S", "省直机关工委", "system", "HN", nationwide=True),
             OrgNode("K1", "厅一", "committee", "S", approves_members=True),
             OrgNode("K2", "厅二", "committee", "S", approves_members=True),
             OrgNode("K1-B", "支部", "branch", "K1"), OrgNode("K2-B", "支部", "branch", "K2")]
    answer = compute_route(MemoryDirectory(nodes), "intra", {"from": "K1-B", "to": "K2-B"})
    assert answer.to_json()["approvers"] == []
    assert "same provincial or municipal system" in answer.rule


def test_memory_directory_refuses_bad_links() -> None:
    with pytest.raises(OrgError, match="duplicate"):
        MemoryDirectory([OrgNode("A", "a", "province_dept"), OrgNode("A", "a", "branch")])
    with pytest.raises(OrgError, match="unknown parent"):
        MemoryDirectory([OrgNode("A", "a", "branch", "Z")])
