"""The tree file loader (ROUTING.md §2): every refusal names the node, member or user."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.org import TreeFileError, parse_tree, read_tree
from app.org.idnumber import check_digit, id_number_error, make_id_number, mask
from tests.org_factories import ROUTING_TREE

HEAD = "orgs:\n  - {code: HN, name: 省委组织部, kind: province_dept, children: [%s]}\n"
ID = make_id_number("430104", date(1990, 5, 17), 123)


def _member(**changes: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "code": "M1", "name": "张三", "gender": "男", "ethnicity": "汉族",
        "birth_date": "1990-05-17", "id_number": ID, "category": "full", "branch": "B1",
        "joined_on": "2015-07-01", "dues_paid_until": "2026-10"}
    fields.update(changes)
    return fields


def _errors(text: str) -> list[str]:
    with pytest.raises(TreeFileError) as info:
        parse_tree(text, "t.yaml")
    return info.value.errors


def _one(children: str) -> str:
    return HEAD % children


def test_routing_tree_loads_in_parent_first_order() -> None:
    tree = read_tree(ROUTING_TREE)
    codes = [n.code for n in tree.nodes]
    assert len(codes) == 18 and codes[0] == "HN"
    for node in tree.nodes:
        if node.parent_code:
            assert codes.index(node.parent_code) < codes.index(node.code)
    flags = {n.code: n for n in tree.nodes}
    assert flags["HN-JG"].nationwide and not flags["CS-YL-JY"].nationwide
    assert flags["CS-YL-P1"].approves_members and not flags["CS-YL-P1-V"].approves_members


@pytest.mark.parametrize(("children", "fragment"), [
    ("{code: X, name: x, kind: party}", "X: unknown kind 'party'"),
    ("{code: X, name: x, kind: county_dept}",
     "X: a province_dept (HN) cannot be the parent of a county_dept"),
    ("{code: X, name: x, kind: general_branch}", "cannot be the parent of a general_branch"),
    ("{code: X, kind: branch}", "X: name is missing"),
    ("{name: x, kind: branch}", "HN.children[0]: code is missing"),
    ("{code: 12, name: x, kind: branch}", "must be text"),
    ("{code: 'a b', name: x, kind: branch}", "may hold only"),
    ("{code: X, name: x, kind: branch, colour: red}", "X: unknown key(s) colour"),
    ("{code: X, name: x, kind: system, nationwide: 'yes'}", "X: nationwide must be true"),
    ("{code: X, name: x, kind: branch, nationwide: true}",
     "X: nationwide applies only to a system"),
    ("{code: X, name: x, kind: system, approves_members: false}",
     "X: approves_members applies only to a committee"),
    ("{code: X, name: x, kind: committee, children: 3}", "X: children must be a list"),
    ("{code: HN, name: x, kind: branch}", "HN: duplicate code"),
    ("7", "HN.children[0]: an organisation must be a mapping"),
])
def test_structural_refusals(children: str, fragment: str) -> None:
    errors = _errors(_one(children))
    assert any(fragment in e for e in errors), errors


def test_county_level_system_cannot_be_nationwide() -> None:
    text = _one("{code: C, name: c, kind: city_dept, children: [{code: X, name: x, "
                "kind: county_dept, children: [{code: S, name: s, kind: system, "
                "nationwide: true}]}]}")
    assert _errors(text) == ["S: a county-level system cannot have nationwide authority "
                             "(Art. 7: it never crosses its county by itself)"]


def test_top_level_must_be_a_province_department() -> None:
    assert "a top-level organisation must be a province_dept" in _errors(
        "orgs:\n  - {code: C, name: c, kind: city_dept}\n")[0]


def test_all_errors_are_collected() -> None:
    text = _one("{code: X, name: x, kind: party}, {code: Y, kind: branch}, "
                "{code: X, name: x2, kind: branch}")
    errors = _errors(text)
    assert len(errors) == 3
    assert str(TreeFileError("t.yaml", errors)) == "t.yaml: 3 errors, nothing loaded"


@pytest.mark.parametrize(("text", "fragment"), [
    ("orgs: [", "malformed YAML at line"),
    ("orgs:\n  - code: A\n   name: b\n", "malformed YAML at line"),
    ("- a\n- b\n", "must be a mapping"),
    ("", "must be a mapping"),
    ("orgs: []\n", "orgs must be a non-empty list"),
    ("orgs: 1\nfoo: 2\n", "unknown top-level key(s) foo"),
])
def test_malformed_files_give_one_clear_message(text: str, fragment: str) -> None:
    errors = _errors(text)
    assert any(fragment in e for e in errors), errors


def test_non_utf8_and_missing_files(tmp_path: Path) -> None:
    assert "not UTF-8" in _errors("orgs: 名".encode("gbk"))[0]  # type: ignore[arg-type]
    with pytest.raises(TreeFileError, match="cannot read the file"):
        read_tree(tmp_path / "none.yaml")


def _with_members(*members: dict[str, object]) -> str:
    import yaml

    body = _one("{code: B1, name: 支部, kind: branch}, {code: K, name: 党委, kind: committee}")
    return body + yaml.safe_dump({"members": list(members)}, allow_unicode=True)


def test_members_load() -> None:
    tree = parse_tree(_with_members(_member(category="预备党员")))
    (member,) = tree.members
    assert member.category == "probationary"
    assert member.birth_date == date(1990, 5, 17)
    assert member.dues_paid_until == "2026-10"


@pytest.mark.parametrize(("changes", "fragment"), [
    ({"id_number": ID[:17] + ("1" if ID[17] != "1" else "2")}, "wrong check digit"),
    ({"id_number": "43010419901317123X"}, "no valid birth date"),
    ({"id_number": "1234"}, "must be 17 digits"),
    ({"branch": "NOPE"}, "unknown branch 'NOPE'"),
    ({"branch": "K"}, "K is a committee, not a branch"),
    ({"birth_date": "1990-02-30"}, "birth_date"),
    ({"joined_on": "1980-01-01"}, "is not after birth_date"),
    ({"joined_on": "2999-01-01"}, "in the future"),
    ({"dues_paid_until": "2026-13"}, "dues_paid_until"),
    ({"category": "candidate"}, "category 'candidate'"),
    ({"gender": "x"}, "gender 'x' must be 男 or 女"),
    ({"name": ""}, "name is missing"),
    ({"phone": "call me"}, "phone"),
    ({"hobby": "chess"}, "unknown key(s) hobby"),
])
def test_member_refusals_name_the_member(changes: dict[str, object], fragment: str) -> None:
    errors = _errors(_with_members(_member(**changes)))
    assert any(e.startswith("member M1: ") and fragment in e for e in errors), errors


def test_duplicate_members() -> None:
    errors = _errors(_with_members(_member(), _member(), _member(
        code="M2")))
    assert "member M1: duplicate member code" in errors
    assert any(e.startswith("member M2: ") and "also belongs to member M1" in e for e in errors)


def test_users_section_is_checked() -> None:
    base = _one("{code: B1, name: 支部, kind: branch}")
    ok = base + ("users:\n  - {username: op1, name: 经办人, org: HN, roles: [operator], "
                 "password: demo2018}\n")
    assert parse_tree(ok).users[0].roles == ("operator",)
    bad = base + ("users:\n  - {username: op1, name: x, org: B1, roles: [operator], "
                  "password: short}\n  - {username: op1}\n  - {username: 'Bad Name'}\n"
                  "  - {username: op2, name: y, org: NOPE, roles: [wizard], password: "
                  "longenough}\n")
    errors = _errors(bad)
    assert any("user op1: role operator belongs to" in e for e in errors)
    assert any("user op1: password must be" in e for e in errors)
    assert "user op1: duplicate username" in errors
    assert any(e.startswith("users[2]:") for e in errors)
    assert any("user op2: unknown organisation 'NOPE'" in e for e in errors)
    assert any("user op2: unknown role 'wizard'" in e for e in errors)


def test_id_number_helpers() -> None:
    assert check_digit("11010519491231002") == "X"
    assert id_number_error("11010519491231002x") is None
    assert mask("430104199005171234") == "4301**********1234"
    assert ID[:6] == "430104" and id_number_error(ID) is None
    with pytest.raises(ValueError):
        make_id_number("43", date(1990, 1, 1), 1)


@pytest.mark.parametrize(("text", "fragment"), [
    ("orgs:\n  - {code: HN, name: a, name: b, kind: province_dept}\n", "duplicate key 'name'"),
    ("orgs:\n  - &x {code: HN, name: a, kind: province_dept}\n  - *x\n",
     "anchors and aliases are not supported"),
    ("orgs: !!python/object:os.system x\n", "unsupported tag"),
    ("orgs: []\n---\norgs: []\n", "expected a single document"),
])
def test_yaml_beyond_plain_data_is_refused(text: str, fragment: str) -> None:
    (error,) = _errors(text)
    assert error.startswith("malformed YAML at line") and fragment in error


def test_streamed_yaml_equals_pyyaml() -> None:
    import yaml

    from app.demo.generate import OUT
    from app.org.yamlstream import load_plain

    for text in (Path(ROUTING_TREE).read_text(encoding="utf-8"),
                 OUT.read_text(encoding="utf-8"),
                 "a: [1, 1.5, true, null, 2020-01-02, '0012', 0x1f]\nb: {c: ~}\n", ""):
        assert load_plain(text) == yaml.safe_load(text)
