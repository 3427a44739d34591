"""The OpenAPI 3.1 document of the API, built from the operations the views registered."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from app.web.api import bp
from app.web.api.core import OPERATIONS, PREFIX, Operation, operation
from app.web.api.schemas import COMPONENTS

DESCRIPTIONS = {
    200: "成功", 201: "已创建", 400: "请求格式有误（参数或 JSON 无法解析）",
    401: "缺少或无效的 API 令牌", 403: "无权进行此操作（授权策略）", 404: "对象不存在",
    409: "状态冲突或当前状态下不允许", 422: "数据无效（fields 指出各字段的问题）",
    429: "请求过于频繁（见 Retry-After）",
}
TAGS = [("account", "账号"), ("cases", "案件"), ("tasks", "任务"), ("orgs", "党组织与审批路径"),
        ("calendar", "工作日历"), ("notifications", "提醒"), ("meta", "接口说明")]


def _response(status: int, schema: str | None) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{schema or 'Error'}"}
    answer: dict[str, Any] = {"description": DESCRIPTIONS.get(status, str(status)),
                              "content": {"application/json": {"schema": ref}}}
    if status == 429:
        answer["headers"] = {"Retry-After": {"schema": {"type": "integer"},
                                             "description": "需等待的秒数"}}
    return answer


def _operation(op: Operation) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "operationId": op.endpoint.split(".", 1)[1], "summary": op.summary, "tags": [op.tag],
        "responses": {str(s): _response(s, name) for s, name in sorted(op.responses.items())},
    }
    if op.description:
        doc["description"] = op.description
    if op.parameters:
        doc["parameters"] = op.parameters
    if op.body:
        doc["requestBody"] = {"required": op.body_required, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{op.body}"}}}}
    if op.public:
        doc["security"] = []
    return doc


def document() -> dict[str, Any]:
    """The whole document."""
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {"title": "党员组织关系转接系统 API (zhuanjie)", "version": "1.0.0",
                 "description": "以个人 API 令牌（Authorization: Bearer zj_…）调用；令牌在网页"
                                "“API 令牌”中创建，代表其用户，权限与网页相同。"},
        "servers": [{"url": PREFIX}],
        "tags": [{"name": n, "description": d} for n, d in TAGS],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "个人 API 令牌（zj_ 开头）"}},
            "schemas": COMPONENTS,
        },
    }


@operation(bp, "/openapi.json", "GET", summary="本接口的 OpenAPI 3 文档", tag="meta",
           ok=(200, "OpenApi"), errors=(), public=True)
def openapi_json() -> Any:
    """The OpenAPI document (no token needed)."""
    return jsonify(document())
