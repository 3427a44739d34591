"""A preview of a task form (JSON Schema 2020-12) as the operator will see it.

The schema conventions of bpmn/forms/: choices are ``oneOf: [{const, title}]`` (or
``enum``), dates ``format: date``, long texts have a ``maxLength`` above 200, conditional
requirements are ``allOf: [{if, then}]``. The preview shows every field with its label,
required mark, widget and conditions; nothing is submitted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

LONG_TEXT = 200


@dataclass
class PreviewField:
    """One field of the previewed form."""

    name: str
    title: str
    widget: str
    required: bool
    choices: list[tuple[str, str]] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)


def _choices(prop: dict[str, Any]) -> list[tuple[str, str]]:
    if isinstance(prop.get("oneOf"), list):
        return [(str(o.get("const")), str(o.get("title", o.get("const"))))
                for o in prop["oneOf"] if isinstance(o, dict) and "const" in o]
    if isinstance(prop.get("enum"), list):
        return [(str(v), str(v)) for v in prop["enum"]]
    return []


def _widget(prop: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
    kind = prop.get("type")
    if kind == "array":
        items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
        return "checks", _choices(items)
    choices = _choices(prop)
    if choices:
        return "select", choices
    if kind == "boolean":
        return "checkbox", []
    if kind in ("integer", "number"):
        return "number", []
    if prop.get("format") == "date":
        return "date", []
    if isinstance(prop.get("maxLength"), int) and prop["maxLength"] > LONG_TEXT:
        return "textarea", []
    return "text", []


def _conditions(schema: dict[str, Any], titles: dict[str, str]) -> dict[str, list[str]]:
    hints: dict[str, list[str]] = {}
    for rule in schema.get("allOf") or []:
        if not isinstance(rule, dict) or "if" not in rule:
            continue
        when = []
        for name, cond in ((rule.get("if") or {}).get("properties") or {}).items():
            values = cond.get("enum") or ([cond["const"]] if "const" in cond else [])
            when.append(f"“{titles.get(name, name)}”为 {'、'.join(map(str, values))}")
        for name in (rule.get("then") or {}).get("required") or []:
            hints.setdefault(name, []).append("当" + "且".join(when) + "时必填")
    return hints


def preview_fields(schema: dict[str, Any]) -> list[PreviewField]:
    """The fields of a form schema in their order."""
    props = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    titles = {k: str(v.get("title", k)) for k, v in props.items() if isinstance(v, dict)}
    conditions = _conditions(schema, titles)
    fields = []
    for name, prop in props.items():
        if not isinstance(prop, dict):
            continue
        widget, choices = _widget(prop)
        hints = list(conditions.get(name, []))
        if isinstance(prop.get("maxLength"), int):
            hints.append(f"不超过 {prop['maxLength']} 字")
        fields.append(PreviewField(name, titles[name], widget, name in required, choices,
                                   hints))
    return fields


def schema_errors(schema: Any) -> list[str]:
    """Why *schema* is not a usable form (empty when it is)."""
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "（根）"
        return [f"JSON Schema 无效（{where}）：{exc.message}"]
    if not isinstance(schema, dict) or schema.get("type") != "object":
        return ["表单须为对象类型（\"type\": \"object\"）"]
    if not isinstance(schema.get("properties"), dict) or not schema["properties"]:
        return ["表单至少要有一个字段（properties）"]
    return []
