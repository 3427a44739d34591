"""The demo data: generated deterministically, valid, realistic, loaded once."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlalchemy.orm import Session

import app.services.users as users_service
from app.demo import generate, places
from app.org import TreeFile, compute_route, county, read_tree
from app.org.idnumber import id_number_error
from app.org.roles import ROLES
from app.services.users import authenticate
from tests.org_factories import WORKED_EXAMPLES, invoke, route_args, snapshot

DEMO = str(generate.OUT)


@pytest.fixture(scope="module")
def demo() -> TreeFile:
    return read_tree(DEMO)


@pytest.fixture
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(users_service, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield


def test_the_committed_file_is_what_the_generator_writes() -> None:
    assert generate.main(["--check"]) == 0
    assert generate.generate() == generate.generate()


def test_demo_tree_is_realistic(demo: TreeFile) -> None:
    nodes = {n.code: n for n in demo.nodes}
    assert nodes["HN"].name == "中共湖南省委组织部" and nodes["HN"].parent_code is None
    cities = [n for n in demo.nodes if n.kind == "city_dept"]
    assert len(cities) == 14
    for city in cities:
        assert sum(1 for n in demo.nodes if n.parent_code == city.code
                   and n.kind == "county_dept") >= 2
    systems = {n.name: n.nationwide for n in demo.nodes if n.parent_code == "HN"
               and n.kind == "system"}
    assert systems == {"中共湖南省直属机关工作委员会": True, "中共湖南省委教育工作委员会": True,
                       "中共湖南省人民政府国有资产监督管理委员会委员会": True,
                       "中共湖南省委非公有制经济组织和社会组织工作委员会": True,
                       "中共湖南省委离退休干部工作委员会": False}
    kinds = {n.kind for n in demo.nodes}
    assert kinds == {"province_dept", "city_dept", "county_dept", "system", "committee",
                     "general_branch", "branch"}
    assert any(n.kind == "committee" and not n.approves_members for n in demo.nodes)
    assert {r for u in demo.users for r in u.roles} == set(ROLES)


def test_members_are_valid_and_match_their_county(demo: TreeFile) -> None:
    assert len(demo.members) >= 400
    assert len({m.branch for m in demo.members}) > 300
    regions = {f"{c}-{k}": r for c, _name, counties in places.CITIES for k, _n, r in counties}
    d = demo.directory()
    for member in demo.members:
        assert id_number_error(member.id_number) is None
        assert member.id_number[6:14] == f"{member.birth_date:%Y%m%d}"
        assert (int(member.id_number[16]) % 2 == 1) == (member.gender == "男")
        found = county(d, member.branch)
        if found is not None:
            assert member.id_number[:6] == regions[found.code]
        else:
            assert member.id_number[:4] in {"4301", "4302", "4303", "4304", "4305", "4306",
                                            "4307", "4308", "4309", "4310", "4311", "4312",
                                            "4313", "4331"}


def test_worked_examples_on_the_demo_tree(demo: TreeFile) -> None:
    d = demo.directory()
    for kind, params, policy, expected in WORKED_EXAMPLES:
        answer = compute_route(d, kind, params, policy).to_json()
        assert {k: answer[k] for k in expected} == expected


def test_demo_load_is_idempotent(engine: Engine, cli_env: str, fast_hashing: None) -> None:
    first = invoke(["demo", "load"])
    assert first.exit_code == 0, first.stderr
    assert "Demo logins:" in first.stdout
    assert "sec-cs-yl-p1-b1" in first.stdout and "demo2018" in first.stdout
    before = snapshot(engine)
    second = invoke(["demo", "load", "--file", DEMO])
    assert second.exit_code == 0
    assert "already there" in second.stdout and "demo2018" not in second.stdout
    assert snapshot(engine) == before
    assert len(before["org"]) == len(read_tree(DEMO).nodes)
    with Session(engine) as s:
        assert authenticate(s, "admin", "admin2018") is not None
        assert authenticate(s, "op-cs-yl", "demo2018") is not None
    for kind, params, policy, expected in WORKED_EXAMPLES:
        answer = json.loads(invoke(route_args(kind, params, policy)).stdout)
        assert {k: answer[k] for k in expected} == expected


def test_demo_load_refuses_a_bad_file(engine: Engine, cli_env: str, tmp_path) -> None:
    bad = tmp_path / "demo.yaml"
    bad.write_text("orgs:\n  - {code: HN, name: x, kind: city_dept}\n", encoding="utf-8")
    result = invoke(["demo", "load", "--file", str(bad)])
    assert result.exit_code == 2 and "top-level organisation" in result.stderr
    assert snapshot(engine)["org"] == []
