"""The project's own checks on a BPMN document, beyond the XSD and the library's parser.

Refused: elements the engine cannot run correctly, service tasks whose operator no handler
registers, user tasks without an assignee, timer expressions that do not evaluate in a dry
run, and scripts or expressions that import modules or reach dunder/private attributes.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from app.engine.bpmn_xml import BPMN_NS, NSMAP, owning_id
from app.engine.problems import Problem

UNSUPPORTED: dict[str, str] = {
    "linkEventDefinition": "link events are not supported (the engine would degrade them silently)",
    "compensateEventDefinition": "compensation is not supported by the engine",
    "complexGateway": "complex gateways are not supported by the engine",
    "transaction": "transaction sub-processes are not supported by the engine",
    "businessRuleTask": "business rule tasks (DMN) are not supported by the engine",
    "messageEventDefinition": "messages are not delivered between cases; use a user task or timer",
    "sendTask": "send tasks are not supported; use a service task",
    "receiveTask": "receive tasks are not supported; use a user task",
}
ROLES = ("branch_secretary", "operator", "manager", "policy_staff", "admin")
FORBIDDEN_CALLS = frozenset({
    "eval", "exec", "compile", "open", "getattr", "setattr", "delattr", "globals", "locals",
    "vars", "input", "breakpoint", "__import__", "memoryview", "type", "object", "super",
})


class _AnyInstant(str):
    """What a dry run gives for task data: a plausible instant, also when indexed
    (``letter['due_at']``), so that expressions over data that exists only at run time
    can be checked for everything else."""

    __slots__ = ()

    def __getitem__(self, key: object) -> _AnyInstant:
        return self

    def get(self, key: object, default: object = None) -> _AnyInstant:
        return self


_PLACEHOLDER_INSTANT = _AnyInstant("2026-01-05T00:00:00+08:00")


@dataclass
class LintContext:
    """What the lint needs to know about the installation."""

    operators: frozenset[str]
    forms: frozenset[str]
    evaluate: Callable[[str, Any], Any]


def _q(tag: str) -> str:
    return f"{{{BPMN_NS}}}{tag}"


def check_code(code: str, mode: str) -> str | None:
    """Why *code* (a script: mode "exec", an expression: "eval") is refused, or None."""
    try:
        tree = ast.parse(code, mode=mode)
    except SyntaxError as exc:
        return f"syntax error in {'script' if mode == 'exec' else 'expression'}: {exc.msg}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            return "scripts may not import modules"
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            return f"scripts may not reach private or dunder attributes ({node.attr})"
        if isinstance(node, ast.Name) and node.id.startswith("__"):
            return f"scripts may not use dunder names ({node.id})"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in FORBIDDEN_CALLS:
            return f"scripts may not call {node.func.id}()"
        if isinstance(node, ast.Global | ast.Nonlocal | ast.Lambda | ast.AsyncFunctionDef):
            return "scripts may not use global, nonlocal, lambda or async functions"
    return None


def _code_snippets(root: etree._Element) -> Iterator[tuple[etree._Element, str, str]]:
    for el in root.iter(_q("script")):
        yield el, el.text or "", "exec"
    for tag in ("preScript", "postScript"):
        for el in root.iter(f"{{{NSMAP['spiffworkflow']}}}{tag}"):
            yield el, el.text or "", "exec"
    for tag in ("conditionExpression", "completionCondition", "loopCardinality"):
        for el in root.iter(_q(tag)):
            if (el.text or "").strip():
                yield el, el.text or "", "eval"
    for el in root.iter(f"{{{NSMAP['spiffworkflow']}}}parameter"):
        if el.get("value") is not None:
            yield el, el.get("value") or "", "eval"


def _check_unsupported(root: etree._Element, file: str) -> Iterator[Problem]:
    for tag, why in UNSUPPORTED.items():
        for el in root.iter(_q(tag)):
            # an event definition is reported on its event, the element a modeller sees
            target = el.getparent() if tag.endswith("EventDefinition") else el
            yield Problem(file, el.sourceline, owning_id(target), why)


def _properties(el: etree._Element) -> dict[str, str]:
    props = {}
    for prop in el.iterfind("bpmn:extensionElements/spiffworkflow:properties/"
                            "spiffworkflow:property", NSMAP):
        props[prop.get("name", "")] = prop.get("value", "")
    return props


def _check_user_tasks(root: etree._Element, file: str, ctx: LintContext) -> Iterator[Problem]:
    for el in root.iter(_q("userTask")):
        props, tid, line = _properties(el), el.get("id"), el.sourceline
        if not props.get("assignee", "").strip():
            yield Problem(file, line, tid, "user task has no assignee (spiffworkflow:property "
                          "name=\"assignee\" with an organisation expression)")
        for name in ("assignee", "title"):
            if props.get(name, "").strip():
                why = check_code(props[name], "eval")
                if why:
                    yield Problem(file, line, tid, f"property {name}: {why}")
        role = props.get("role", "operator")
        if role not in ROLES:
            yield Problem(file, line, tid, f"unknown role {role!r}; one of {', '.join(ROLES)}")
        form = props.get("form")
        if form and form not in ctx.forms:
            yield Problem(file, line, tid, f"form {form!r} does not exist in bpmn/forms/")
        wd = props.get("deadline_working_days")
        if wd is not None and not (wd.isdigit() and 1 <= int(wd) <= 90):
            yield Problem(file, line, tid, "deadline_working_days must be a whole number 1–90")


def _check_service_tasks(root: etree._Element, file: str, ctx: LintContext) -> Iterator[Problem]:
    for el in root.iter(_q("serviceTask")):
        op = el.find("bpmn:extensionElements/spiffworkflow:serviceTaskOperator", NSMAP)
        if op is None:
            yield Problem(file, el.sourceline, el.get("id"), "service task has no operator")
        elif op.get("id") not in ctx.operators:
            yield Problem(file, el.sourceline, el.get("id"),
                          f"no handler is registered for operator {op.get('id')!r}")


def _dry_run_timer(kind: str, expr: str, ctx: LintContext) -> str | None:
    try:
        value = ctx.evaluate(expr, _PLACEHOLDER_INSTANT)
    except Exception as exc:
        return f"timer expression {expr!r} does not evaluate: {type(exc).__name__}: {exc}"
    if not isinstance(value, str):
        return f"timer expression {expr!r} gives {type(value).__name__}, not an ISO 8601 string"
    try:
        if kind == "timeDate":
            TimerEventDefinition.get_datetime(value)
        elif kind == "timeDuration":
            TimerEventDefinition.parse_iso_duration(value)
        else:
            TimerEventDefinition.parse_iso_recurring_interval(value)
    except Exception:
        return f"timer expression {expr!r} gives {value!r}, which is not a valid ISO 8601 {kind}"
    return None


def _check_timers(root: etree._Element, file: str, ctx: LintContext) -> Iterator[Problem]:
    for defn in root.iter(_q("timerEventDefinition")):
        parts = [c for c in defn if isinstance(c.tag, str)]
        if not parts:
            yield Problem(file, defn.sourceline, owning_id(defn), "timer has no expression")
        for part in parts:
            kind = etree.QName(part).localname
            expr = (part.text or "").strip()
            why = check_code(expr, "eval") or _dry_run_timer(kind, expr, ctx)
            if why:
                yield Problem(file, part.sourceline, owning_id(part), why)


def lint_tree(tree: etree._ElementTree, file: str, ctx: LintContext) -> list[Problem]:
    """Every problem of one parsed BPMN document."""
    root = tree.getroot()
    problems = list(_check_unsupported(root, file))
    problems += _check_user_tasks(root, file, ctx)
    problems += _check_service_tasks(root, file, ctx)
    problems += _check_timers(root, file, ctx)
    for el, code, mode in _code_snippets(root):
        why = check_code(code, mode)
        if why:
            problems.append(Problem(file, el.sourceline, owning_id(el), why))
    return problems
