"""Task forms drawn from their JSON Schema (bpmn/forms/*.schema.json) and read back.

The schema decides the widgets: booleans are checkboxes, arrays of choices are checkbox
groups, ``oneOf`` choices are radio buttons (a select when there are many), ``format: date``
is a date field, long strings are text areas. A ``decision`` with choices becomes the
step's action buttons. Conditional requirements (``allOf: [{if, then}]``) are written
beside the fields they concern; the server checks them (app.engine.forms).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

MAX_RADIOS = 4
TEXTAREA_FROM = 200   # strings that may be longer than this get a text area
CONFIRM_DECISIONS = frozenset({"refuse", "close"})
WIDGET_RANK = {"radio": 0, "select": 0, "text": 1, "date": 1, "textarea": 2, "checkboxes": 3}
BUTTON_STYLES = {"send_back": "back", "refuse": "danger", "close": "danger"}


@dataclass(frozen=True)
class Choice:
    """One choice of a field."""

    value: str
    label: str


@dataclass
class FormField:
    """One field as the template draws it."""

    name: str
    label: str
    widget: str                      # text | textarea | date | checkbox | checkboxes | radio
    required: bool = False           # | select | decision
    must_be_true: bool = False
    choices: list[Choice] = field(default_factory=list)
    max_length: int | None = None
    conditions: list[str] = field(default_factory=list)
    required_when: dict[str, list[str]] = field(default_factory=dict)
    value: Any = None
    error: str | None = None

    def label_of(self, value: Any) -> str:
        """The title of a choice (or the value itself)."""
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        return str(value)


@dataclass
class TaskForm:
    """The fields of a task form and, when it has one, its decision as buttons."""

    title: str
    fields: list[FormField]
    decision: FormField | None = None

    def field(self, name: str) -> FormField | None:
        """The field *name* (the decision included)."""
        for item in [*self.fields, *([self.decision] if self.decision else [])]:
            if item.name == name:
                return item
        return None


def _choices(spec: Mapping[str, Any]) -> list[Choice]:
    return [Choice(str(o.get("const")), str(o.get("title") or o.get("const")))
            for o in spec.get("oneOf", []) if isinstance(o, Mapping)]


def _widget(name: str, spec: Mapping[str, Any]) -> str:
    kind = spec.get("type")
    if kind == "boolean":
        return "checkbox"
    if kind == "array":
        return "checkboxes"
    if spec.get("oneOf"):
        if name == "decision":
            return "decision"
        return "radio" if len(spec["oneOf"]) <= MAX_RADIOS else "select"
    if spec.get("format") == "date":
        return "date"
    if int(spec.get("maxLength") or 0) > TEXTAREA_FROM:
        return "textarea"
    return "text"


def _conditions(schema: Mapping[str, Any]) -> tuple[dict[str, dict[str, list[str]]], set[str]]:
    """field → {condition field: values} of the if/then rules, and the must-be-true fields."""
    when: dict[str, dict[str, list[str]]] = {}
    must: set[str] = set()
    for rule in schema.get("allOf", []):
        if "if" not in rule:
            for name, spec in (rule.get("properties") or {}).items():
                if spec.get("const") is True:
                    must.add(name)
            continue
        for name, spec in (rule["if"].get("properties") or {}).items():
            values = [str(v) for v in spec.get("enum", [spec.get("const")]) if v is not None]
            for target in rule.get("then", {}).get("required", []):
                when.setdefault(target, {}).setdefault(name, []).extend(values)
    return when, must


def _field(name: str, spec: Mapping[str, Any], required: set[str], when: dict[str, Any],
           must: set[str]) -> FormField:
    item_spec = spec.get("items") or {}
    return FormField(
        name=name, label=str(spec.get("title") or name), widget=_widget(name, spec),
        required=name in required or name in must, must_be_true=name in must,
        choices=_choices(item_spec if spec.get("type") == "array" else spec),
        max_length=spec.get("maxLength"), required_when=dict(when.get(name, {})))


def build_form(schema: Mapping[str, Any] | None, values: Mapping[str, Any] | None = None,
               errors: Mapping[str, str] | None = None) -> TaskForm:
    """The fields of *schema* with *values* filled in and *errors* beside them."""
    if not schema:
        return TaskForm(title="", fields=[])
    values, errors = values or {}, errors or {}
    when, must = _conditions(schema)
    required = set(schema.get("required", []))
    items = {name: _field(name, spec, required, when, must)
             for name, spec in (schema.get("properties") or {}).items()}
    for item in items.values():
        for other, wanted in item.required_when.items():
            source = items.get(other)
            labels = "或".join(f"“{source.label_of(v) if source else v}”" for v in wanted)
            item.conditions.append(f"{source.label if source else other}为{labels}时必填")
        item.value = values.get(item.name)
        item.error = errors.get(item.name)
    decision = items.pop("decision", None)
    if decision is not None and decision.widget != "decision":
        items["decision"] = decision
        decision = None
    return TaskForm(title=str(schema.get("title") or ""), fields=ordered(items),
                    decision=decision)


def _group(item: FormField) -> int:
    if item.name == "comment":
        return 4
    if item.name == "reason_code":
        return 3
    if item.must_be_true:
        return 2
    return 0 if item.required else 1


def ordered(items: dict[str, FormField]) -> list[FormField]:
    """The fields in reading order. Deployed schemas keep their keys sorted (the content
    hash needs one spelling), so the order is made here: required fields, optional ones,
    confirmations to tick, the reason, the comment — within each, choices first, then short
    fields, long texts and lists of items; a field required only for a choice of another
    field follows that field."""
    def placed(item: FormField) -> bool:
        return any(other in items and items[other].widget != "decision"
                   for other in item.required_when)

    result: list[FormField] = []
    for item in sorted((i for i in items.values() if not placed(i)),
                       key=lambda i: (_group(i), WIDGET_RANK.get(i.widget, 1), i.name)):
        result.append(item)
        result += [i for i in items.values() if placed(i) and item.name in i.required_when]
    return result


def _scalar(kind: Any, text: str) -> Any:
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            return text  # the schema check names the field
    return text


def parse_form(schema: Mapping[str, Any] | None, form: MultiDict[str, str]) -> dict[str, Any]:
    """The submission of *form* as data for the schema: only its fields, typed, no blanks."""
    data: dict[str, Any] = {}
    for name, spec in ((schema or {}).get("properties") or {}).items():
        kind = spec.get("type")
        if kind == "boolean":
            data[name] = form.get(name) in ("on", "true", "1")
        elif kind == "array":
            data[name] = [v for v in form.getlist(name) if v.strip()]
        else:
            text = (form.get(name) or "").strip()
            if text:
                data[name] = _scalar(kind, text)
    return data


def confirmation_errors(data: Mapping[str, Any]) -> dict[str, str]:
    """What an irreversible decision needs besides the schema: a written reason."""
    if data.get("decision") == "refuse" and not str(data.get("comment") or "").strip():
        return {"comment": "不予转接须写明具体理由"}
    return {}


def hidden_pairs(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """*data* as (name, value) pairs for hidden inputs (a confirmation page carries them)."""
    pairs: list[tuple[str, str]] = []
    for name, value in data.items():
        if isinstance(value, bool):
            if value:
                pairs.append((name, "on"))
        elif isinstance(value, list):
            pairs += [(name, str(v)) for v in value]
        elif value is not None:
            pairs.append((name, str(value)))
    return pairs
