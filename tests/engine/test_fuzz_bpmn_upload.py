"""Hostile BPMN uploads: whatever bytes arrive, the check either accepts them or refuses them
with messages — it never crashes, and it never reads a file the upload points at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from app.config import load_settings
from app.db import make_engine
from app.engine.problems import BpmnRefused
from app.services import workflow
from tests.procedures.conftest import ROOT, at

DIAGRAM = (ROOT / "bpmn" / "report_in.bpmn").read_bytes()
SETTINGS = load_settings(environ={})
FUZZ = settings(max_examples=80, derandomize=True, database=None, deadline=None,
                suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def check_session(sqlite_template: Path) -> Iterator[Session]:
    engine = make_engine(f"sqlite:///{sqlite_template}")
    with Session(bind=engine) as s:
        yield s
    engine.dispose()


def accepted_or_refused(session: Session, files: dict[str, bytes]) -> list[str]:
    """The check's answer as text: process ids, or the problems' messages."""
    try:
        parsed = workflow.check(session, SETTINGS, at("2026-03-02T09:00"), files)
    except BpmnRefused as exc:
        assert exc.problems and all(str(p) for p in exc.problems)
        return [str(p) for p in exc.problems]
    return [p.process_id for p in parsed]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """The real diagram with slices deleted, duplicated or replaced by random bytes."""
    data = bytearray(DIAGRAM)
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(data) - 1))
        end = min(len(data), start + draw(st.integers(0, 200)))
        action = draw(st.sampled_from(["delete", "duplicate", "replace", "insert_markup"]))
        if action == "delete":
            del data[start:end]
        elif action == "duplicate":
            data[start:start] = data[start:end]
        elif action == "replace":
            data[start:end] = draw(st.binary(max_size=40))
        else:
            data[start:start] = draw(st.sampled_from([
                b"<bpmn:task id=\"x\"/>", b"</bpmn:process>", b"&amp;", b"<![CDATA[x]]>",
                b"<bpmn:scriptTask id=\"s\"><bpmn:script>__import__('os')</bpmn:script>"
                b"</bpmn:scriptTask>", b"\x00", "名称".encode()]))
        if not data:
            data = bytearray(b" ")
    return bytes(data)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes(check_session: Session, data: bytes) -> None:
    assert accepted_or_refused(check_session, {"x.bpmn": data})


@FUZZ
@given(data=mutated())
def test_mutated_diagrams(check_session: Session, data: bytes) -> None:
    assert accepted_or_refused(check_session, {"report_in.bpmn": data})


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE d [<!ENTITY x SYSTEM "file://{canary}">]>',
    '<!DOCTYPE d SYSTEM "file://{canary}">',
    '<!DOCTYPE d [<!ENTITY % p SYSTEM "file://{canary}"> %p;]>',
    '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
])
def test_entities_never_read_files(check_session: Session, tmp_path: Path,
                                   doctype: str) -> None:
    canary = tmp_path / "canary.txt"
    canary.write_text("CANARY-5c1f0e", encoding="utf-8")
    text = DIAGRAM.decode("utf-8")
    head, _, rest = text.partition("?>")
    payload = (head + "?>" + doctype.format(canary=canary) + rest).replace(
        'name="', 'name="&x;', 1)
    answer = accepted_or_refused(check_session, {"evil.bpmn": payload.encode()})
    assert "CANARY" not in " ".join(answer)
    assert any("DOCTYPE" in line for line in answer)


def test_xinclude_and_schema_locations_are_not_followed(check_session: Session,
                                                       tmp_path: Path) -> None:
    canary = tmp_path / "canary.xml"
    canary.write_text("<x>CANARY-77</x>", encoding="utf-8")
    text = DIAGRAM.decode("utf-8").replace(
        "<bpmn:process", f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                         f'href="file://{canary}"/><bpmn:process', 1)
    answer = accepted_or_refused(check_session, {"inc.bpmn": text.encode()})
    assert "CANARY" not in " ".join(answer)
