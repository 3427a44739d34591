"""Factories for organisation trees: hypothesis strategies and seeded random trees that
respect the parent-kind table of ROUTING.md §1, and their YAML form (§2)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from app.org.tree import (
    BRANCH,
    CHILD_KINDS,
    COMMITTEE,
    COUNTY_DEPT,
    DEPARTMENTS,
    PROVINCE_DEPT,
    SYSTEM,
    OrgNode,
)

#: The example tree of ROUTING.md §2, copied verbatim.
ROUTING_TREE = str(Path(__file__).resolve().parent / "data" / "routing_tree.yaml")


def _grow(pick_index: Any, pick_bool: Any, size: int) -> list[OrgNode]:
    """Grow a tree of *size* nodes below one province department, then make sure it has
    at least two branches. *pick_index(n)* chooses 0..n-1, *pick_bool()* a flag."""
    nodes = [OrgNode("N0", "省委组织部", PROVINCE_DEPT)]
    department = {"N0": PROVINCE_DEPT}
    for i in range(1, size + 2):
        parents = [n for n in nodes if CHILD_KINDS[n.kind]]
        parent = parents[pick_index(len(parents))]
        kinds = sorted(CHILD_KINDS[parent.kind])
        kind = BRANCH if i > size else kinds[pick_index(len(kinds))]
        nationwide = (kind == SYSTEM and department[parent.code] != COUNTY_DEPT
                      and pick_bool())
        approves = kind == COMMITTEE and pick_bool()
        node = OrgNode(f"N{i}", f"组织{i}", kind, parent.code, nationwide, approves)
        department[node.code] = kind if kind in DEPARTMENTS else department[parent.code]
        nodes.append(node)
    return nodes


@st.composite
def org_trees(draw: st.DrawFn, max_size: int = 30) -> list[OrgNode]:
    """A random valid tree (parents before children) with at least two branches."""
    size = draw(st.integers(min_value=1, max_value=max_size))
    return _grow(lambda n: draw(st.integers(0, n - 1)), lambda: draw(st.booleans()), size)


def seeded_tree(seed: int, size: int = 60) -> list[OrgNode]:
    """A random valid tree from a seed (for database tests, which hypothesis cannot drive)."""
    rng = random.Random(seed)
    return _grow(lambda n: rng.randrange(n), lambda: rng.random() < 0.5, size)


def tree_to_yaml(nodes: list[OrgNode], extra: dict[str, Any] | None = None) -> str:
    """The ROUTING.md §2 YAML form of *nodes* (parents before children)."""
    entries: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for node in nodes:
        entry: dict[str, Any] = {"code": node.code, "name": node.name, "kind": node.kind}
        if node.kind == SYSTEM:
            entry["nationwide"] = node.nationwide
        if node.kind == COMMITTEE:
            entry["approves_members"] = node.approves_members
        entries[node.code] = entry
        if node.parent_code is None:
            roots.append(entry)
        else:
            entries[node.parent_code].setdefault("children", []).append(entry)
    data: dict[str, Any] = {"orgs": roots, **(extra or {})}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def branches(nodes: list[OrgNode]) -> list[str]:
    """Codes of the branches of *nodes*."""
    return [n.code for n in nodes if n.kind == BRANCH]


#: The worked examples of ROUTING.md §3: (kind, parameters, policy, expected JSON subset).
WORKED_EXAMPLES: list[tuple[str, dict[str, str], str, dict[str, Any]]] = [
    ("intra", {"from": "CS-YL-P1-B1", "to": "CS-YL-P2-B1"}, "hunan-2018",
     {"initiator": "CS-YL-P1", "approvers": [], "receiver": "CS-YL-P2"}),
    ("intra", {"from": "CS-YL-P1-V-B1", "to": "CS-YL-P2-B1"}, "hunan-2018",
     {"initiator": "CS-YL-P1", "approvers": [], "receiver": "CS-YL-P2"}),
    ("intra", {"from": "CS-YL-JY-P1-B1", "to": "CS-YL-P2-B1"}, "hunan-2018",
     {"approvers": []}),
    ("intra", {"from": "CS-YL-JY-P1-B1", "to": "CS-YH-P1-B1"}, "hunan-2018",
     {"approvers": ["CS-YL-JY", "CS-YL", "CS-YH"]}),
    ("intra", {"from": "CS-YL-P1-B1", "to": "CS-YH-P1-B1"}, "hunan-2018",
     {"approvers": ["CS-YL", "CS-YH"]}),
    ("intra", {"from": "HN-JG-SW-B1", "to": "CS-YH-P1-B1"}, "hunan-2018",
     {"approvers": ["HN-JG", "CS-YH"]}),
    ("intra", {"from": "CS-YL-P1-B1", "to": "CS-YH-P1-B1"}, "national-2019",
     {"approvers": []}),
    ("out", {"from": "CS-YL-JY-P1-B1"}, "hunan-2018",
     {"initiator": "CS-YL-JY-P1", "approvers": ["CS-YL-JY"], "issuer": "CS-YL"}),
    ("in", {"entry": "CS", "to": "CS-YL-P2-B1"}, "hunan-2018",
     {"registrar": "CS", "approvers": ["CS-YL"], "receiver": "CS-YL-P2"}),
    ("whole-unit", {"unit": "CS-YL-P1-V", "to": "CS-YL-P2"}, "hunan-2018",
     {"handler": "CS-YL"}),
    ("whole-unit", {"unit": "CS-YL-P2", "to": "CS-YH"}, "hunan-2018", {"handler": "CS"}),
    ("whole-unit", {"unit": "CS-YL-P2", "to": "HN-JG"}, "hunan-2018", {"handler": "HN"}),
    ("out-of-system", {"from": "CS-YH-P1-B1"}, "hunan-2018",
     {"initiator": "CS-YH-P1", "approvers": [], "handler": "CS-YH"}),
]

#: JSON keys of each route kind (ROUTING.md §3), ``rule`` included.
ROUTE_KEYS: dict[str, set[str]] = {
    "intra": {"kind", "initiator", "approvers", "receiver", "rule"},
    "out": {"kind", "initiator", "approvers", "issuer", "rule"},
    "in": {"kind", "registrar", "approvers", "receiver", "rule"},
    "whole-unit": {"kind", "unit", "from", "to", "handler", "rule"},
    "out-of-system": {"kind", "initiator", "approvers", "handler", "rule"},
}


def route_args(kind: str, params: dict[str, str], policy: str) -> list[str]:
    """The ``zhuanjie route`` arguments of a worked example."""
    args = ["route", kind]
    for name, value in params.items():
        args += [f"--{name}", value]
    return [*args, "--policy", policy, "--json"]


def invoke(args: list[str], input: str | None = None) -> Any:
    """Run ``zhuanjie ARGS`` in-process; the result has exit_code, stdout and stderr."""
    from click.testing import CliRunner

    from app.cli import cli

    return CliRunner().invoke(cli, args, input=input, catch_exceptions=False)


def snapshot(engine: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the organisation, member and user tables, to compare before/after."""
    from sqlalchemy import text

    tables = {"org": "code, name, kind, parent_id, nationwide, approves_members, path, depth",
              "member": "code, name, branch_id, id_number, status",
              "app_user": "username, password_hash, org_id, active",
              "member_import_row": "import_id, row_no"}
    with engine.connect() as conn:
        return {t: [tuple(r) for r in conn.execute(text(f"SELECT {c} FROM {t} ORDER BY 1"))]
                for t, c in tables.items()}
