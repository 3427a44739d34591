"""Task forms drawn from their JSON Schema and read back (no database)."""

from __future__ import annotations

import json
from pathlib import Path

from werkzeug.datastructures import MultiDict

from app.web.schema_form import build_form, confirmation_errors, hidden_pairs, parse_form

FORMS = Path(__file__).resolve().parents[2] / "bpmn" / "forms"


def schema(name: str) -> dict:
    # deployments keep the keys sorted; so do we, to draw what operators see
    return json.loads(json.dumps(json.loads((FORMS / f"{name}.schema.json").read_text(
        encoding="utf-8")), sort_keys=True))


def test_widgets_order_and_conditions() -> None:
    form = build_form(schema("archive_review"))
    assert [(f.name, f.widget) for f in form.fields] == [
        ("result", "radio"), ("findings", "textarea"), ("items_present", "checkboxes"),
        ("comment", "textarea")]
    findings = form.field("findings")
    assert findings.conditions == ["审核结果为“发现问题，影响确认党员身份”时必填"]
    assert findings.required_when == {"result": ["problem"]} and not findings.required
    labels = [c.label for c in form.field("items_present").choices]
    assert labels[:2] == ["入党志愿书", "入党申请书"]


def test_decision_becomes_buttons_and_reason_a_select_before_the_comment() -> None:
    form = build_form(schema("initiate_review"), {"comment": "好"}, {"reason_code": "请填写"})
    assert form.decision is not None and [c.value for c in form.decision.choices] == [
        "initiate", "send_back", "refuse"]
    assert [(f.name, f.widget) for f in form.fields] == [("reason_code", "select"),
                                                          ("comment", "textarea")]
    assert form.field("comment").value == "好" and form.field("reason_code").error == "请填写"


def test_receive_and_handover_orders() -> None:
    receive = build_form(schema("receive"))
    assert [f.name for f in receive.fields] == ["target_branch", "record_checked", "comment"]
    assert receive.field("record_checked").must_be_true
    handover = build_form(schema("handover"))
    assert [f.name for f in handover.fields] == ["method", "tracking_number", "handed_over_on"]
    assert handover.field("handed_over_on").widget == "date"
    handling = build_form(schema("handling"))  # a free-text decision stays a field
    assert handling.decision is None and handling.fields[0].name == "decision"


def test_parse_keeps_only_the_forms_fields_typed() -> None:
    data = parse_form(schema("archive_review"), MultiDict([
        ("result", "pass"), ("items_present", "application"), ("items_present", "full_member"),
        ("findings", "  "), ("route", "hacked"), ("comment", " 无 ")]))
    assert data == {"result": "pass", "items_present": ["application", "full_member"],
                    "comment": "无"}
    assert parse_form(schema("receive"), MultiDict([("target_branch", "B")])) == {
        "target_branch": "B", "record_checked": False}


def test_refusal_needs_a_written_reason_and_data_travel_as_hidden_pairs() -> None:
    assert confirmation_errors({"decision": "refuse", "comment": " "}) == {
        "comment": "不予转接须写明具体理由"}
    assert confirmation_errors({"decision": "close", "handling": "x"}) == {}
    assert hidden_pairs({"a": True, "b": False, "c": ["x", "y"], "d": "z"}) == [
        ("a", "on"), ("c", "x"), ("c", "y"), ("d", "z")]
