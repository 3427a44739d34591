"""Validation of submitted task data against the task's JSON-schema form."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from app.errors import InvalidData


def _field_of(error: Any) -> str:
    if error.validator == "required":
        missing = error.message.split("'")
        return missing[1] if len(missing) > 1 else "_"
    path = [str(p) for p in error.absolute_path]
    return ".".join(path) or "_"


def _message(error: Any, schema: dict[str, Any]) -> str:
    field = _field_of(error)
    title = schema.get("properties", {}).get(field, {}).get("title", field)
    if error.validator == "required":
        return f"请填写“{title}”"
    if error.validator == "enum":
        return f"“{title}”的取值无效"
    if error.validator in ("minLength", "maxLength"):
        return f"“{title}”的长度不符合要求"
    if error.validator in ("type", "format", "pattern"):
        return f"“{title}”的格式不正确"
    custom = error.schema.get("errorMessage") if isinstance(error.schema, dict) else None
    return str(custom) if custom else f"“{title}”不符合要求"


def validate_form(schema: dict[str, Any] | None, data: dict[str, Any]) -> dict[str, Any]:
    """Return the accepted data or raise InvalidData with a message per field.

    Only fields that the form defines may be submitted: other keys could overwrite the
    case's own variables (the route, the member), so they are refused.
    """
    if not isinstance(data, dict):
        raise InvalidData("提交的数据必须是一个对象", {"_": "数据格式不正确"})
    if schema is None:
        if data:
            raise InvalidData("此任务没有表单，不能提交数据", {k: "未定义的字段" for k in data})
        return {}
    allowed = set(schema.get("properties", {}))
    unknown = sorted(set(data) - allowed)
    fields: dict[str, str] = {k: "表单中没有此字段" for k in unknown}
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        if error.validator == "additionalProperties":
            continue  # reported above, field by field
        fields.setdefault(_field_of(error), _message(error, schema))
    if fields:
        raise InvalidData("提交的数据未通过校验：" + "；".join(fields.values()), fields)
    return dict(data)
