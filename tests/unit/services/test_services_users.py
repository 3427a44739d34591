"""Users: argon2 hashes, authentication, disabling; the users commands never print a password."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlalchemy.orm import Session

import app.services.users as users_service
from app.org import read_tree
from app.services.orgs import load_tree
from app.services.users import (
    UserError,
    authenticate,
    create_user,
    disable_user,
    list_users,
    set_password,
)
from tests.org_factories import ROUTING_TREE, invoke

SECRET = "correct horse battery"


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Cheap argon2 parameters: the tests check behaviour, not the cost."""
    monkeypatch.setattr(users_service, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield


@pytest.fixture
def tree_db(engine: Engine, cli_env: str) -> Engine:
    with Session(engine) as s:
        load_tree(s, read_tree(ROUTING_TREE))
        s.commit()
    return engine


def test_create_authenticate_disable(tree_db: Engine) -> None:
    with Session(tree_db) as s:
        user = create_user(s, "op1", SECRET, "CS-YL-P1", ["operator"], "经办人")
        assert user.password_hash.startswith("$argon2") and SECRET not in user.password_hash
        s.commit()
    with Session(tree_db) as s:
        assert authenticate(s, "op1", SECRET) is not None
        assert authenticate(s, "op1", SECRET + "x") is None
        assert authenticate(s, "nobody", SECRET) is None
        set_password(s, "op1", "another password")
        assert authenticate(s, "op1", SECRET) is None
        assert authenticate(s, "op1", "another password") is not None
        disable_user(s, "op1")
        s.commit()
    with Session(tree_db) as s:
        assert authenticate(s, "op1", "another password") is None
        (user, org), = list_users(s)
        assert (user.username, org.code, user.role_names, user.active) == (
            "op1", "CS-YL-P1", ["operator"], False)


@pytest.mark.parametrize(("username", "password", "org", "roles", "fragment"), [
    ("op1", SECRET, "NOPE", ["operator"], "unknown organisation code 'NOPE'"),
    ("op1", SECRET, "CS-YL-P1-B1", ["operator"], "role operator belongs to"),
    ("op1", SECRET, "CS-YL", ["policy_staff"], "role policy_staff belongs to a province_dept"),
    ("op1", "short", "CS-YL", ["operator"], "at least 8 characters"),
    ("Op 1", SECRET, "CS-YL", ["operator"], "must be 2 to 64"),
    ("op1", SECRET, "CS-YL", [], "at least one role"),
])
def test_create_refusals(tree_db: Engine, username: str, password: str, org: str,
                         roles: list[str], fragment: str) -> None:
    with Session(tree_db) as s, pytest.raises(Exception, match=fragment):
        create_user(s, username, password, org, roles)


def test_users_commands(tree_db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    added = invoke(["users", "add", "sec1", "--org", "CS-YL-P1-B1", "--role",
                    "branch_secretary", "--name", "书记", "--password-stdin"],
                   input=SECRET + "\n")
    assert added.exit_code == 0, added.stderr
    assert SECRET not in added.stdout + added.stderr
    again = invoke(["users", "add", "sec1", "--org", "CS-YL-P1-B1", "--role",
                    "branch_secretary", "--password-stdin"], input=SECRET + "\n")
    assert again.exit_code == 2 and "already exists" in again.stderr
    monkeypatch.setattr("app.cli.users_cmd._interactive", lambda: True)
    prompted = invoke(["users", "add", "mgr", "--org", "CS", "--role", "manager", "--role",
                       "operator"], input=f"{SECRET}\n{SECRET}\n")
    assert prompted.exit_code == 0, prompted.stderr
    assert SECRET not in prompted.stdout + prompted.stderr
    listed = json.loads(invoke(["users", "list", "--json"]).stdout)["users"]
    assert [(u["username"], u["org"], u["roles"]) for u in listed] == [
        ("mgr", "CS", ["manager", "operator"]), ("sec1", "CS-YL-P1-B1", ["branch_secretary"])]
    assert "password" not in json.dumps(listed)
    changed = invoke(["users", "set-password", "sec1", "--password-stdin"],
                     input="new password 1\n")
    assert changed.exit_code == 0 and "new password 1" not in changed.stdout
    assert invoke(["users", "disable", "sec1"]).exit_code == 0
    with Session(tree_db) as s:
        assert authenticate(s, "sec1", "new password 1") is None
        assert authenticate(s, "mgr", SECRET) is not None
    table = invoke(["users", "list"]).stdout
    assert "sec1" in table and "no" in table


def test_users_command_refusals(tree_db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.cli.users_cmd._interactive", lambda: False)
    no_tty = invoke(["users", "add", "x1", "--org", "CS", "--role", "operator"])
    assert no_tty.exit_code == 2 and "--password-stdin" in no_tty.stderr
    wrong_kind = invoke(["users", "add", "x1", "--org", "CS-YL-P1-B1", "--role", "manager",
                         "--password-stdin"], input=SECRET + "\n")
    assert wrong_kind.exit_code == 2
    assert wrong_kind.stderr.strip().startswith("error: CS-YL-P1-B1: role manager belongs")
    bad_role = invoke(["users", "add", "x1", "--org", "CS", "--role", "wizard",
                       "--password-stdin"], input=SECRET + "\n")
    assert bad_role.exit_code == 2
    unknown = invoke(["users", "disable", "ghost"])
    assert unknown.exit_code == 2 and "unknown user 'ghost'" in unknown.stderr
    empty = invoke(["users", "set-password", "ghost", "--password-stdin"], input="\n")
    assert empty.exit_code == 2 and "no password" in empty.stderr
    with Session(tree_db) as s:
        assert list_users(s) == []
    with pytest.raises(UserError), Session(tree_db) as s:
        set_password(s, "ghost", SECRET)
