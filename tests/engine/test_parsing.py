"""Parsing, validation and lint: what a policy-staff diagram is refused for, and where."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import Settings
from app.db import session_scope
from app.engine.bpmn_xml import parse_bpmn_bytes
from app.engine.problems import BpmnRefused, Problem
from app.services import workflow
from tests.engine.conftest import DATA, at

HOSTILE = DATA / "hostile"


def refusal(engine, settings: Settings, name: str, data: bytes | None = None) -> list[Problem]:
    files = {name: data if data is not None else (HOSTILE / name).read_bytes()}
    with session_scope(engine) as s, pytest.raises(BpmnRefused) as info:
        workflow.check(s, settings, at("2026-03-02T09:00"), files)
    return info.value.problems


def messages(problems: list[Problem]) -> str:
    return "\n".join(str(p) for p in problems)


def test_xxe_never_reads_a_local_file(engine, settings, recorder) -> None:
    for name in ("xxe.bpmn", "xxe_param.bpmn"):
        problems = refusal(engine, settings, name)
        assert problems[0].line == 2 and "DOCTYPE" in problems[0].message
        assert "root:" not in messages(problems)


def test_entity_bomb_is_refused_before_expansion(engine, settings, recorder) -> None:
    problems = refusal(engine, settings, "billion_laughs.bpmn")
    assert "DOCTYPE" in problems[0].message


def test_entities_are_not_resolved_even_without_the_doctype_check() -> None:
    from lxml import etree

    from app.engine.bpmn_xml import _parser

    try:
        root = etree.fromstring((HOSTILE / "xxe.bpmn").read_bytes(), parser=_parser())
    except etree.XMLSyntaxError as exc:  # libxml2 refuses the external entity outright
        assert "root:" not in str(exc)
        return
    assert b"root:" not in etree.tostring(root)


def test_oversize_file_is_refused_without_parsing(engine, settings, recorder) -> None:
    big = b"<?xml version='1.0'?>" + b" " * (50 * 1024 * 1024)
    problems = refusal(engine, settings, "big.bpmn", big)
    assert "limit" in problems[0].message and problems[0].file == "big.bpmn"


@pytest.mark.parametrize("name,expected", [
    ("not_xml.bpmn", "not well-formed XML"),
    ("not_bpmn.bpmn", "not a BPMN 2.0 document"),
])
def test_non_bpmn_files(engine, settings, recorder, name: str, expected: str) -> None:
    problems = refusal(engine, settings, name)
    assert expected in problems[0].message and problems[0].line


@pytest.mark.parametrize("name,element,expected", [
    ("link_event.bpmn", "throw_link", "link events"),
    ("compensation.bpmn", "undo", "compensation"),
    ("complex_gateway.bpmn", "complex", "complex gateways"),
])
def test_elements_the_engine_cannot_run(engine, settings, recorder, name, element,
                                        expected) -> None:
    problems = refusal(engine, settings, name)
    hit = [p for p in problems if p.element_id == element]
    assert hit and expected in hit[0].message and hit[0].line


def test_lint_names_each_bad_task(engine, settings, recorder) -> None:
    problems = {p.element_id: p for p in refusal(engine, settings, "bad_tasks.bpmn")}
    assert "no assignee" in problems["no_assignee"].message
    assert "nobody/handles_this" in problems["unknown_op"].message
    assert "does not evaluate" in problems["bad_timer"].message
    assert "import" in problems["importer"].message
    assert "dunder" in problems["dunder"].message
    assert all(p.line and p.file == "bad_tasks.bpmn" for p in problems.values())


def test_xsd_errors_carry_the_line(engine, settings, recorder) -> None:
    problems = refusal(engine, settings, "xsd_invalid.bpmn")
    assert {p.line for p in problems} >= {3}
    assert any("isExecutable" in p.message for p in problems)


def test_hardened_parser_accepts_a_plain_bpmn_file() -> None:
    tree = parse_bpmn_bytes((DATA / "bpmn" / "loop_review.bpmn").read_bytes(), "x", 10**6)
    assert tree.getroot().tag.endswith("definitions")


def test_every_fixture_diagram_passes(engine, settings, recorder) -> None:
    with session_scope(engine) as s:
        processes = workflow.check(s, settings, at("2026-03-02T09:00"),
                                   workflow.bpmn_files(settings))
    assert {p.process_id for p in processes} >= {"loop_review", "levels", "caller", "callee",
                                                 "deadline_timers", "failing", "parallel_review"}


def test_problem_text_names_file_line_and_element() -> None:
    assert str(Problem("a.bpmn", 7, "task_1", "bad")) == "a.bpmn:7 [task_1]: bad"


def test_fixture_files_exist() -> None:
    assert Path(HOSTILE / "xxe.bpmn").exists()
