"""Parse, validate and lint a set of BPMN files into deployable process specs.

Order: hardened XML parsing → the BPMN 2.0 XSD → the project's lint → SpiffWorkflow's
parser (semantic errors come when a spec is built). Every problem names the file, the line
and the element id; any problem refuses the whole set.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import XSD_PATH
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from app.engine.bpmn_xml import NSMAP, element_at_line, parse_bpmn_bytes
from app.engine.lint import LintContext, lint_tree
from app.engine.problems import BpmnRefused, Problem
from app.engine.timers import install_clock_timers

FORM_SUFFIX = ".schema.json"


@dataclass
class ParsedProcess:
    """One executable process ready to deploy."""

    process_id: str
    name: str
    file_name: str
    xml: str
    spec: Any
    subprocess_specs: dict[str, Any]
    forms: dict[str, Any] = field(default_factory=dict)


@functools.cache
def _schema() -> etree.XMLSchema:
    with open(XSD_PATH, "rb") as fh:
        return etree.XMLSchema(etree.parse(fh))


def _xsd_problems(tree: etree._ElementTree, file: str) -> list[Problem]:
    schema = _schema()
    if schema.validate(tree):
        return []
    return [Problem(file, err.line, element_at_line(tree, err.line), err.message)
            for err in schema.error_log]


def load_forms(forms_dir: Path) -> dict[str, Any]:
    """Every form schema of *forms_dir* by name (``approve.schema.json`` → ``approve``)."""
    forms: dict[str, Any] = {}
    problems: list[Problem] = []
    if not forms_dir.is_dir():
        return forms
    for path in sorted(forms_dir.glob(f"*{FORM_SUFFIX}")):
        name = path.name[: -len(FORM_SUFFIX)]
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
            Draft202012Validator.check_schema(schema)
        except (json.JSONDecodeError, SchemaError) as exc:
            problems.append(Problem(path.name, None, None, f"invalid form schema: {exc}"))
            continue
        forms[name] = schema
    if problems:
        raise BpmnRefused(problems)
    return forms


def _exec_processes(tree: etree._ElementTree) -> list[etree._Element]:
    return [p for p in tree.getroot().iterfind("bpmn:process", NSMAP)
            if p.get("isExecutable", "false") == "true"]


def _forms_used(specs: list[Any]) -> set[str]:
    used = set()
    for spec in specs:
        for ts in spec.task_specs.values():
            form = (getattr(ts, "extensions", None) or {}).get("properties", {}).get("form")
            if form:
                used.add(form)
    return used


def _spiff_problem(exc: SpiffWorkflowException, file: str) -> Problem:
    line = getattr(exc, "line_number", None) or None
    element = getattr(exc, "id", None) or getattr(getattr(exc, "task_spec", None), "name", None)
    return Problem(getattr(exc, "file_name", None) or file, line if isinstance(line, int) else None,
                   element or None, str(exc).split("\n")[0])


def _check_files(files: Mapping[str, bytes], max_bytes: int,
                 ctx: LintContext) -> dict[str, etree._ElementTree]:
    trees: dict[str, etree._ElementTree] = {}
    problems: list[Problem] = []
    for name, data in files.items():
        try:
            tree = parse_bpmn_bytes(data, name, max_bytes)
        except BpmnRefused as exc:
            problems += exc.problems
            continue
        found = _xsd_problems(tree, name) or lint_tree(tree, name, ctx)
        if not _exec_processes(tree) and not found:
            found = [Problem(name, None, None, "no executable process (isExecutable=\"true\")")]
        problems += found
        trees[name] = tree
    if problems:
        raise BpmnRefused(problems)
    return trees


def _source_text(data: bytes, tree: etree._ElementTree) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return str(etree.tostring(tree, encoding="unicode"))


def parse_bundle(files: Mapping[str, bytes], *, max_bytes: int, forms: Mapping[str, Any],
                 operators: frozenset[str],
                 evaluate: Callable[[str, Any], Any]) -> list[ParsedProcess]:
    """Parse *files* (name → bytes) together so that call activities resolve across them."""
    ctx = LintContext(operators=operators, forms=frozenset(forms), evaluate=evaluate)
    trees = _check_files(files, max_bytes, ctx)
    parser = SpiffBpmnParser()
    problems: list[Problem] = []
    for name, tree in trees.items():
        try:
            parser.add_bpmn_xml(tree, filename=name)
        except (ValidationException, SpiffWorkflowException) as exc:
            problems.append(_spiff_problem(exc, name))
    result: list[ParsedProcess] = []
    for name, tree in trees.items():
        for proc in _exec_processes(tree):
            pid = proc.get("id", "")
            try:
                spec = parser.get_spec(pid)
                subs = parser.get_subprocess_specs(pid)
            except (ValidationException, SpiffWorkflowException) as exc:
                problems.append(_spiff_problem(exc, name))
                continue
            install_clock_timers([spec, *subs.values()])
            xml = _source_text(files[name], tree)
            used = _forms_used([spec, *subs.values()])
            result.append(ParsedProcess(pid, proc.get("name") or pid, name, xml, spec, subs,
                                        {f: forms[f] for f in sorted(used)}))
    if problems:
        raise BpmnRefused(problems)
    return result

