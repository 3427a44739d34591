"""Hostile organisation files: the YAML loader accepts a file or refuses it with messages —
never a crash, never a file read (no tags, no includes), never an alias bomb."""

from __future__ import annotations

import builtins
import pathlib
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.org.loader import TreeFileError, parse_tree

TREE = (pathlib.Path(__file__).resolve().parents[2] / "data" / "routing_tree.yaml").read_bytes()
FUZZ = settings(max_examples=200, derandomize=True, database=None, deadline=None,
                suppress_health_check=list(HealthCheck))


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError(f"the loader tried to read a file: {args[:1]}")


def accepted_or_refused(data: bytes) -> str:
    """Parse with every way of opening a file made to fail the test."""
    try:
        with patch.object(builtins, "open", _refuse), \
                patch.object(pathlib.Path, "read_bytes", _refuse), \
                patch.object(pathlib.Path, "read_text", _refuse), \
                patch.object(pathlib.Path, "open", _refuse):
            tree = parse_tree(data, "fuzz.yaml")
    except TreeFileError as exc:
        assert exc.errors and all(isinstance(e, str) and e for e in exc.errors)
        return "refused"
    assert all(node.code for node in tree.nodes)
    return "accepted"


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(TREE)
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(data) - 1))
        end = min(len(data), start + draw(st.integers(0, 120)))
        action = draw(st.sampled_from(["delete", "duplicate", "replace", "insert"]))
        if action == "delete":
            del data[start:end]
        elif action == "duplicate":
            data[start:start] = data[start:end]
        elif action == "replace":
            data[start:end] = draw(st.binary(max_size=30))
        else:
            data[start:start] = draw(st.sampled_from([
                b"\n  - &a {code: X}\n", b"*a", b"!!python/object:os.system", b"!include x",
                b"<<: *a\n", b"{", b"- ", b"\t", b"kind: branch\n", b"nationwide: maybe\n",
                b"\xff\xfe", "名称: 中文\n".encode()]))
    return bytes(data)


@FUZZ
@given(data=st.binary(max_size=1500))
def test_random_bytes(data: bytes) -> None:
    assert accepted_or_refused(data) in ("accepted", "refused")


@FUZZ
@given(text=st.text(max_size=800))
def test_random_text(text: str) -> None:
    assert accepted_or_refused(text.encode("utf-8", "surrogatepass")) in ("accepted", "refused")


@FUZZ
@given(data=mutated())
def test_mutated_tree_files(data: bytes) -> None:
    assert accepted_or_refused(data) in ("accepted", "refused")


@pytest.mark.parametrize("text", [
    "orgs: !!python/object/apply:os.system ['touch /tmp/pwned']",
    "orgs: !include /etc/passwd",
    "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\norgs: [*c, *c]",
    "orgs:\n  - code: HN\n    name: x\n    kind: province_dept\n    children: " + "[" * 500,
])
def test_tags_aliases_and_deep_nesting_are_refused(text: str) -> None:
    assert accepted_or_refused(text.encode()) == "refused"


def test_the_real_file_is_accepted() -> None:
    assert accepted_or_refused(TREE) == "accepted"
