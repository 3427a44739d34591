"""The task forms of the procedures, written to bpmn/forms/*.schema.json (JSON Schema 2020-12).

Choices are ``oneOf`` lists of ``{const, title}`` so that each value carries its Chinese
label; a reason is required exactly when the decision needs one (``if``/``then``).
"""

from __future__ import annotations

from typing import Any

from app.models.case import ARCHIVE_ITEMS, REFUSE_REASONS, SEND_BACK_REASONS

SCHEMA = "https://json-schema.org/draft/2020-12/schema"


def choice(values: dict[str, str], title: str) -> dict[str, Any]:
    """A required-choice property with labelled values."""
    return {"type": "string", "title": title,
            "oneOf": [{"const": k, "title": v} for k, v in values.items()]}


def text(title: str, max_length: int = 500, **extra: Any) -> dict[str, Any]:
    """A text property."""
    return {"type": "string", "title": title, "maxLength": max_length, **extra}


def day(title: str) -> dict[str, Any]:
    """A date property (YYYY-MM-DD)."""
    return {"type": "string", "title": title, "format": "date"}


def form(title: str, properties: dict[str, Any], required: list[str],
         rules: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A form schema; unknown fields are refused by the engine anyway."""
    schema: dict[str, Any] = {"$schema": SCHEMA, "title": title, "type": "object",
                              "properties": properties, "required": required,
                              "additionalProperties": False}
    if rules:
        schema["allOf"] = rules
    return schema


def needs(field: str, when: str, values: list[str]) -> dict[str, Any]:
    """A rule: *field* is required when *when* is one of *values*."""
    return {"if": {"properties": {when: {"enum": values}}, "required": [when]},
            "then": {"required": [field]}}


COMMENT = text("意见", 500)
REASON = choice({**SEND_BACK_REASONS, **REFUSE_REASONS}, "原因")

FORMS: dict[str, dict[str, Any]] = {
    "initiate_review": form("发起审核", {
        "decision": choice({"initiate": "审核通过，发起转接", "send_back": "退回党支部修改",
                            "refuse": "不予转接"}, "审核结论"),
        "reason_code": REASON, "comment": COMMENT,
    }, ["decision"], [needs("reason_code", "decision", ["send_back", "refuse"])]),
    "recheck": form("重新审核（被退回）", {
        "decision": choice({"resubmit": "修正后重新报送", "send_back": "退回党支部修改",
                            "refuse": "不予转接"}, "审核结论"),
        "reason_code": REASON, "comment": COMMENT,
    }, ["decision"], [needs("reason_code", "decision", ["send_back", "refuse"])]),
    "recheck_registered": form("重新审核（被退回）", {
        "decision": choice({"resubmit": "核实后重新报送", "refuse": "不予转接"}, "审核结论"),
        "reason_code": REASON, "comment": COMMENT,
    }, ["decision"], [needs("reason_code", "decision", ["refuse"])]),
    "correct_letter": form("修改申请", {
        "reason": text("转接原因", 200), "contact_phone": text("联系电话", 20),
        "archive_handling": choice({"with_letter": "档案随转",
                                    "sealed_copy": "提供入党志愿书复印件（盖章、密封）"},
                                   "档案随转事项"),
        "comment": text("修改说明", 500),
    }, ["comment"]),
    "approve": form("逐级审批", {
        "decision": choice({"approve": "同意", "send_back": "退回上一步"}, "审批结论"),
        "reason_code": choice(SEND_BACK_REASONS, "退回原因"), "comment": COMMENT,
    }, ["decision"], [needs("reason_code", "decision", ["send_back"])]),
    "archive_review": form("档案审核", {
        "result": choice({"pass": "审核通过", "problem": "发现问题，影响确认党员身份"},
                         "审核结果"),
        "items_present": {"type": "array", "title": "已审核的档案材料", "uniqueItems": True,
                          "items": choice(ARCHIVE_ITEMS, "材料")},
        "findings": text("发现的问题", 1000), "comment": COMMENT,
    }, ["result", "items_present"], [needs("findings", "result", ["problem"])]),
    "archive_return": form("档案问题逐级退回", {
        "comment": text("转交意见", 500),
    }, []),
    "verify": form("核实处理", {
        "decision": choice({"resolve": "问题已核实解决，重新审核档案",
                            "close": "作出处理，终止转接"}, "核实结论"),
        "handling": text("处理决定", 1000), "comment": COMMENT,
    }, ["decision"], [needs("handling", "decision", ["close"])]),
    "receive": form("接收", {
        "target_branch": text("分配至党支部（编码）", 64, minLength=1),
        "record_checked": {"type": "boolean", "title": "已核对并完善党员信息"},
        "comment": COMMENT,
    }, ["target_branch", "record_checked"], [{"properties": {"record_checked": {"const": True}}}]),
    "report": form("报到登记", {
        "reported_on": day("报到日期"), "comment": text("备注", 500),
    }, ["reported_on"]),
    "urge": form("督促报到", {
        "action": text("督促及批评教育情况", 1000, minLength=1),
        "outcome": choice({"reported": "党员已报到", "refuses": "经教育仍拒不报到"}, "结果"),
        "reported_on": day("报到日期"),
    }, ["action", "outcome"], [needs("reported_on", "outcome", ["reported"])]),
    "handling": form("组织处理", {
        "decision": text("组织处理决定", 1000, minLength=1), "comment": COMMENT,
    }, ["decision"]),
    "handover": form("开具并交付介绍信", {
        "method": choice({"in_person": "交党员本人携带", "post": "邮寄"}, "交付方式"),
        "tracking_number": text("邮寄单号", 60), "handed_over_on": day("交付日期"),
    }, ["method", "handed_over_on"], [needs("tracking_number", "method", ["post"])]),
    "receipt": form("登记回执", {
        "received_on": day("收到回执日期"), "receiving_org": text("接收党组织", 200, minLength=1),
    }, ["received_on", "receiving_org"]),
    "receipt_followup": form("回执超期处理", {
        "comment": text("处理情况", 1000, minLength=1),
    }, ["comment"]),
    "archive_entry": form("录入党员信息", {
        "record_complete": {"type": "boolean", "title": "已按介绍信和档案录入党员信息"},
        "items_present": {"type": "array", "title": "已审核的档案材料", "uniqueItems": True,
                          "items": choice(ARCHIVE_ITEMS, "材料")},
        "comment": COMMENT,
    }, ["record_complete"], [{"properties": {"record_complete": {"const": True}}}]),
    "agree_receive": form("同意接收", {
        "decision": choice({"agree": "同意接收", "refuse": "不同意接收"}, "意见"),
        "reason_code": REASON, "comment": COMMENT,
    }, ["decision"], [needs("reason_code", "decision", ["refuse"])]),
    "handler_decision": form("审批整建制转接", {
        "decision": choice({"approve": "同意", "refuse": "不同意"}, "审批结论"),
        "reason_code": REASON, "comment": COMMENT,
    }, ["decision"], [needs("reason_code", "decision", ["refuse"])]),
    "destination": form("登记去向", {
        "destination_unit": text("转往单位", 200, minLength=1),
        "reason": text("转往系统外的原因", 500, minLength=1), "comment": COMMENT,
    }, ["destination_unit", "reason"]),
}
