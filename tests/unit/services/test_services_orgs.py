"""orgs load into the database (all or nothing, never deleting), DbDirectory, orgs show."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.models import Org
from app.org import POLICIES, MemoryDirectory, OrgError, read_tree, route_intra
from app.services.directory import DbDirectory, path_ids
from app.services.orgs import load_tree, org_info
from tests.org_factories import (
    ROUTING_TREE,
    branches,
    invoke,
    seeded_tree,
    snapshot,
    tree_to_yaml,
)


def _load(engine: Engine, path: str | Path) -> None:
    with Session(engine) as s:
        load_tree(s, read_tree(path), str(path))
        s.commit()


def _paths_are_consistent(session: Session) -> None:
    rows = {o.id: o for o in session.execute(select(Org)).scalars()}
    for org in rows.values():
        ids = path_ids(org.path)
        assert ids[-1] == org.id and org.depth == len(ids) - 1
        assert (ids[-2] if len(ids) > 1 else None) == org.parent_id


def test_load_creates_the_tree(engine: Engine) -> None:
    _load(engine, ROUTING_TREE)
    with Session(engine) as s:
        _paths_are_consistent(s)
        d = DbDirectory(s)
        assert [n.code for n in d.chain("CS-YL-JY-P1-B1")] == [
            "CS-YL-JY-P1-B1", "CS-YL-JY-P1", "CS-YL-JY", "CS-YL", "CS", "HN"]
        assert d.get("CS-YL-P1-V").approves_members is False
        assert d.get("HN-JG").nationwide is True
        with pytest.raises(OrgError, match="'NOPE'"):
            d.get("NOPE")


def test_reload_updates_moves_and_keeps(engine: Engine, cli_env: str,
                                       tmp_path: Path) -> None:
    _load(engine, ROUTING_TREE)
    text = Path(ROUTING_TREE).read_text(encoding="utf-8")
    # Move CS-YL-P2 (with its branch) from 岳麓区 to 雨花区, rename HN-JG-SW, drop HN-JG's
    # subtree from the file: the dropped organisations stay in the database.
    moved = text.replace("              - code: CS-YL-P2\n", "              - code: CS-YL-PX\n")
    moved = moved.replace("CS-YL-P2-B1, name: 莲花镇机关党支部", "CS-YL-PX-B1, name: x")
    moved = moved.replace(
        "                  - {code: CS-YH-P1-B1, name: 侯家塘街道机关党支部, kind: branch}\n",
        "                  - {code: CS-YH-P1-B1, name: 侯家塘街道机关党支部, kind: branch}\n"
        "              - code: CS-YL-P2\n                name: 中共长沙市岳麓区莲花镇委员会\n"
        "                kind: committee\n                children:\n"
        "                  - {code: CS-YL-P2-B1, name: 莲花镇机关党支部, kind: branch}\n")
    file = tmp_path / "moved.yaml"
    file.write_text(moved, encoding="utf-8")
    result = invoke(["orgs", "load", str(file), "--json"])
    assert result.exit_code == 0, result.stderr
    import json

    summary = json.loads(result.stdout)["orgs"]
    assert summary["created"] == 2 and summary["kept"] == 0
    with Session(engine) as s:
        _paths_are_consistent(s)
        assert [n.code for n in DbDirectory(s).chain("CS-YL-P2-B1")][:3] == [
            "CS-YL-P2-B1", "CS-YL-P2", "CS-YH"]
    partial = tmp_path / "partial.yaml"
    partial.write_text(text.replace("中共湖南省水利厅机关委员会", "中共湖南省水利厅机关党委"),
                       encoding="utf-8")
    result = invoke(["orgs", "load", str(partial)])
    assert result.exit_code == 0, result.stderr
    assert "kept (in the database, not in the file): 2: CS-YL-PX, CS-YL-PX-B1" in result.stdout
    with Session(engine) as s:
        assert DbDirectory(s).get("HN-JG-SW").name == "中共湖南省水利厅机关党委"
        assert DbDirectory(s).get("CS-YL-PX-B1").parent_code == "CS-YL-PX"
        _paths_are_consistent(s)


def test_reload_refuses_a_kind_change_under_kept_children(engine: Engine, cli_env: str,
                                                          tmp_path: Path) -> None:
    _load(engine, ROUTING_TREE)
    before = snapshot(engine)
    file = tmp_path / "bad.yaml"
    # CS-YL-P1-V becomes a branch in a file that no longer lists its branch CS-YL-P1-V-B1.
    text = Path(ROUTING_TREE).read_text(encoding="utf-8").replace(
        """                  - code: CS-YL-P1-V
                    name: 中共望月湖街道某社区委员会
                    kind: committee
                    approves_members: false
                    children:
                      - {code: CS-YL-P1-V-B1, name: 某社区第一党支部, kind: branch}
""", "                  - {code: CS-YL-P1-V, name: 某社区党支部, kind: branch}\n")
    file.write_text(text, encoding="utf-8")
    result = invoke(["orgs", "load", str(file)])
    assert result.exit_code == 2
    assert "CS-YL-P1-V-B1 (kept from the database): a branch (CS-YL-P1-V) cannot be the " \
           "parent of a branch" in result.stderr
    assert result.stdout == ""
    assert snapshot(engine) == before


@pytest.mark.parametrize(("text", "fragment"), [
    ("orgs:\n  - {code: HN, name: x, kind: province_dept, children: "
     "[{code: X, name: x, kind: wizard}]}\n", "X: unknown kind 'wizard'"),
    ("orgs:\n  - {code: HN, name: x, kind: province_dept, children: "
     "[{code: X, name: x, kind: county_dept}]}\n", "X: a province_dept (HN) cannot be the"),
    ("orgs:\n  - {code: HN, name: x, kind: province_dept, children: "
     "[{code: HN, name: x, kind: branch}]}\n", "HN: duplicate code"),
    ("orgs:\n  - {code: HN, kind: province_dept}\n", "HN: name is missing"),
    ("orgs: [\n", "malformed YAML"),
    ("orgs:\n  - {code: HN, name: x, kind: province_dept, children: "
     "[{code: B, name: b, kind: branch}]}\nmembers:\n  - {code: M1, name: 张三, gender: 男, "
     "ethnicity: 汉族, birth_date: 1990-01-01, id_number: '430104199001011231', "
     "category: full, branch: B, joined_on: 2015-01-01, dues_paid_until: 2025-01}\n",
     "member M1: 公民身份号码 4301**********1231 has a wrong check digit"),
    ("orgs:\n  - {code: HN, name: x, kind: province_dept}\nmembers:\n  - {code: M1, "
     "name: 张三, gender: 男, ethnicity: 汉族, birth_date: 1990-01-01, "
     "id_number: '11010519491231002X', category: full, branch: NOPE, "
     "joined_on: 2015-01-01, dues_paid_until: 2025-01}\n", "member M1: unknown branch 'NOPE'"),
])
def test_load_refusals_leave_the_database_unchanged(engine: Engine, cli_env: str,
                                                    tmp_path: Path, text: str,
                                                    fragment: str) -> None:
    _load(engine, ROUTING_TREE)
    before = snapshot(engine)
    file = tmp_path / "bad.yaml"
    file.write_text(text, encoding="utf-8")
    result = invoke(["orgs", "load", str(file)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert fragment in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(engine) == before


def test_several_errors_are_listed_then_summarised(cli_env: str, tmp_path: Path) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text("orgs:\n  - {code: HN, name: x, kind: province_dept, children: "
                    "[{code: X, kind: wizard}, {code: Y, name: y, kind: city_dept, "
                    "nationwide: true}]}\n", encoding="utf-8")
    result = invoke(["orgs", "load", str(file)])
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2
    assert lines[-1] == f"error: {file}: 3 errors, nothing loaded"
    assert any("X: name is missing" in line for line in lines)
    assert any("Y: nationwide applies only to a system" in line for line in lines)


@pytest.mark.parametrize("seed", range(4))
def test_db_directory_routes_like_the_memory_directory(engine: Engine, tmp_path: Path,
                                                       seed: int) -> None:
    nodes = seeded_tree(seed)
    file = tmp_path / "tree.yaml"
    file.write_text(tree_to_yaml(nodes), encoding="utf-8")
    _load(engine, file)
    memory = MemoryDirectory(nodes)
    codes = branches(nodes)[:8]
    with Session(engine) as s:
        db = DbDirectory(s)
        for code in (n.code for n in nodes):
            assert db.chain(code) == memory.chain(code)
        for policy in POLICIES:
            for a in codes:
                for b in codes:
                    if a != b:
                        assert (route_intra(db, a, b, policy).to_json()
                                == route_intra(memory, a, b, policy).to_json())


def test_org_info(engine: Engine, cli_env: str) -> None:
    _load(engine, ROUTING_TREE)
    with Session(engine) as s:
        info = org_info(s, "CS-YL-P1-V-B1")
    assert info["parent"] == {"code": "CS-YL-P1-V", "name": "中共望月湖街道某社区委员会"}
    assert info["facts"]["unit"] == "CS-YL-P1"
    assert info["facts"]["up"] == ["CS-YL-P1", "CS-YL"]
    assert (info["facts"]["county"], info["facts"]["city"]) == ("CS-YL", "CS")
    result = invoke(["orgs", "show", "CS-YL-JY", "--json"])
    import json

    shown = json.loads(result.stdout)
    assert shown["facts"]["system"] == "CS-YL-JY"
    assert shown["facts"]["system_level"] == "county"
    assert shown["children"] == 1
    text = invoke(["orgs", "show", "CS-YL"])
    assert "CS-YL 中共长沙市岳麓区委组织部" in text.stdout
    missing = invoke(["orgs", "show", "NOPE"])
    assert missing.exit_code == 2 and "unknown organisation code 'NOPE'" in missing.stderr


def test_a_branch_with_members_keeps_its_kind(engine: Engine, cli_env: str,
                                              tmp_path: Path) -> None:
    text = Path(ROUTING_TREE).read_text(encoding="utf-8")
    member = ("members:\n  - {code: M1, name: 张三, gender: 男, ethnicity: 汉族, "
              "birth_date: 1949-12-31, id_number: '11010519491231002X', category: full, "
              "branch: CS-YH-P1-B1, joined_on: 1970-07-01, dues_paid_until: 2025-06}\n")
    file = tmp_path / "t.yaml"
    file.write_text(text + member, encoding="utf-8")
    assert invoke(["orgs", "load", str(file)]).exit_code == 0
    before = snapshot(engine)
    file.write_text(text.replace("{code: CS-YH-P1-B1, name: 侯家塘街道机关党支部, kind: branch}",
                                 "{code: CS-YH-P1-B1, name: 侯家塘街道机关党总支, "
                                 "kind: general_branch}"), encoding="utf-8")
    result = invoke(["orgs", "load", str(file)])
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("CS-YH-P1-B1: has member M1, so it must stay a branch")
    assert snapshot(engine) == before
