"""The API's plumbing: bearer-token authentication, JSON errors, argument parsing, and the
route decorator that keeps each operation's OpenAPI description next to its view.

Every view is registered with :func:`operation`, which records the path, method, summary,
parameters, request body and the response statuses the view can give; the OpenAPI document
(:mod:`app.web.api.openapi`) is built from these records, so a route cannot exist
undocumented.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Blueprint, g, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from app import policy
from app.errors import Conflict, Forbidden, InvalidData, NotAllowed, NotFound, ZhuanjieError
from app.models.user import User
from app.services import throttle, tokens
from app.web.support import client_ip, clock, db, settings, writing

log = logging.getLogger("zhuanjie.api")

PREFIX = "/api/v1"


class ApiError(Exception):
    """A refusal of the API layer itself (bad argument, no token, rate limit)."""

    def __init__(self, status: int, code: str, message: str,
                 fields: dict[str, str] | None = None, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields = fields or {}
        self.retry_after = retry_after


def bad_request(name: str, problem: str) -> ApiError:
    """400: a query parameter or body that cannot be read at all."""
    return ApiError(400, "bad_request", f"参数 {name} 无效：{problem}", {name: problem})


def error_response(status: int, code: str, message: str,
                   fields: dict[str, str] | None = None) -> Response:
    """``{"error": {"code", "message", "fields"}}`` with *status*."""
    response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
    response.status_code = status
    return response


_KINDS: list[tuple[type[ZhuanjieError], int, str]] = [
    (Forbidden, 403, "forbidden"), (NotFound, 404, "not_found"), (Conflict, 409, "conflict"),
    (NotAllowed, 409, "not_allowed"), (InvalidData, 422, "invalid_data")]
_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type"}
_HTTP_MESSAGES = {404: "没有这个接口或对象", 405: "此接口不支持该请求方法",
                  413: "请求内容过大", 415: "请求内容应为 JSON"}


def refusal_response(exc: Exception) -> Response:
    """The JSON answer to any exception raised while serving an API request."""
    if isinstance(exc, ApiError):
        response = error_response(exc.status, exc.code, exc.message, exc.fields)
        if exc.retry_after:
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    for kind, status, code in _KINDS:
        if isinstance(exc, kind):
            fields = exc.fields if isinstance(exc, InvalidData) else {}
            return error_response(status, code, str(exc), fields)
    if isinstance(exc, HTTPException) and exc.code and exc.code < 500:
        response = error_response(exc.code, _HTTP_CODES.get(exc.code, "bad_request"),
                                  _HTTP_MESSAGES.get(exc.code, "请求有误"))
        allowed = getattr(exc, "valid_methods", None)
        if allowed:
            response.headers["Allow"] = ", ".join(allowed)
        return response
    log.exception("unexpected error on %s %s", request.method, request.path)
    return error_response(500, "internal_error",
                          "系统发生错误，请稍后重试；如仍有问题请联系系统管理员。")


# ---------------------------------------------------------------- authentication

_BEARER = re.compile(r"^Bearer\s+(\S+)\s*$", re.IGNORECASE)


def _refuse_bad_token(ip: str, now: Any, message: str) -> ApiError:
    limit = throttle.api_limit(settings())
    with writing() as s:
        throttle.record(s, limit, ip, "failure", now)
        wait = throttle.wait_seconds(s, limit, ip, now)
    if wait:
        return ApiError(429, "rate_limited", "无效令牌过多，请稍后再试", retry_after=wait)
    return ApiError(401, "unauthorized", message)


def authenticate() -> None:
    """before_request: the bearer token's user in ``g.api_user`` (never the session cookie)."""
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return
    ip, now = client_ip(), clock().now()
    wait = throttle.wait_seconds(db(), throttle.api_limit(settings()), ip, now)
    if wait:
        raise ApiError(429, "rate_limited", "无效令牌过多，请稍后再试", retry_after=wait)
    header = request.headers.get("Authorization", "")
    if not header:
        raise ApiError(401, "unauthorized", "需要 API 令牌：Authorization: Bearer <令牌>")
    match = _BEARER.match(header)
    found = tokens.authenticate_token(db(), match.group(1), now) if match else None
    if found is None:
        raise _refuse_bad_token(ip, now, "API 令牌无效、已过期或已撤销")
    user, row = found
    policy.require(user, policy.Action.USE_API)
    if tokens.needs_touch(row, now):
        with writing() as s:
            tokens.touch_token(s, row.id, now)
    g.api_user = user
    log.info("api %s %s as %s", request.method, request.full_path, user.username)
    if log.isEnabledFor(logging.DEBUG) and request.content_length:
        log.debug("api body %s", request.get_data(cache=True)[:4000].decode("utf-8", "replace"))


def api_user() -> User:
    """The user the request's token acts as."""
    user: User = g.api_user
    return user


PUBLIC_ENDPOINTS: set[str] = set()


# ---------------------------------------------------------------- arguments

def arg_int(name: str, default: int | None = None, low: int | None = None,
            high: int | None = None) -> int | None:
    """An integer query parameter within [low, high]; 400 otherwise."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"[+-]?\d{1,9}", raw.strip()):
        raise bad_request(name, "应为整数")
    value = int(raw)
    if (low is not None and value < low) or (high is not None and value > high):
        raise bad_request(name, f"应在 {low} 至 {high} 之间")
    return value


def arg_bool(name: str) -> bool | None:
    """A boolean query parameter (true/false, 1/0); 400 otherwise."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    lowered = raw.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise bad_request(name, "应为 true 或 false")


def parse_date(name: str, raw: str) -> date:
    """A YYYY-MM-DD value; 400 otherwise."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw or ""):
        raise bad_request(name, "应为日期（YYYY-MM-DD）")
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise bad_request(name, "不是有效的日期") from exc


def arg_date(name: str) -> date | None:
    """An optional date query parameter."""
    raw = request.args.get(name)
    return None if raw is None or raw == "" else parse_date(name, raw)


def arg_choice(name: str, choices: tuple[str, ...] | list[str],
               default: str | None = None) -> str | None:
    """A query parameter that must be one of *choices*."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if raw not in choices:
        raise bad_request(name, "取值无效")
    return raw


def arg_text(name: str, limit: int = 100) -> str | None:
    """A free-text query parameter, trimmed, at most *limit* characters."""
    raw = request.args.get(name)
    if raw is None or not raw.strip():
        return None
    if len(raw) > limit or "\x00" in raw:
        raise bad_request(name, f"不超过 {limit} 个字符")
    return raw.strip()


MAX_BODY = 1_000_000


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError("number out of range")
    return value


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def json_body(optional: bool = False) -> dict[str, Any]:
    """The request body as a JSON object; 400 when it is not one (also: NaN, Infinity,
    numbers out of range, nesting too deep, more than a megabyte)."""
    if (request.content_length or 0) > MAX_BODY:
        raise bad_request("body", "请求体过大")
    raw = request.get_data(cache=True)
    if len(raw) > MAX_BODY:
        raise bad_request("body", "请求体过大")
    if not raw.strip():
        if optional:
            return {}
        raise bad_request("body", "请求体应为 JSON 对象")
    try:
        value = json.loads(raw, parse_float=_finite, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise bad_request("body", "不是有效的 JSON") from exc
    if not isinstance(value, dict):
        raise bad_request("body", "请求体应为 JSON 对象")
    if not storable(value):
        raise bad_request("body", "含有不可用的字符（NUL 或不成对的代理字符）")
    return value


def storable(value: Any) -> bool:
    """Whether every string in *value* can be stored: no NUL, no lone surrogate (PostgreSQL
    and UTF-8 refuse them; better a 400 here than an error in the database)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item or any("\ud800" <= c <= "\udfff" for c in item):
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def body_object(body: dict[str, Any], name: str) -> dict[str, Any]:
    """A member of the body that must be an object when present."""
    value = body.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise bad_request(name, "应为 JSON 对象")
    return value


def body_text(body: dict[str, Any], name: str, limit: int = 2000) -> str | None:
    """A member of the body that must be a string when present."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_request(name, "应为字符串")
    if len(value) > limit:
        raise bad_request(name, f"不超过 {limit} 个字符")
    return value


# ---------------------------------------------------------------- operations

@dataclass
class Operation:
    """One documented API operation (an OpenAPI path item's method)."""

    path: str              # OpenAPI form, e.g. /cases/{case}
    method: str            # lower case
    endpoint: str          # Flask endpoint, e.g. api.get_case
    summary: str
    tag: str
    responses: dict[int, str | None]   # status → component schema name (None: error)
    parameters: list[dict[str, Any]] = field(default_factory=list)
    body: str | None = None            # component schema name of the JSON body
    body_required: bool = True
    public: bool = False
    description: str = ""


OPERATIONS: list[Operation] = []
_FLASK_PARAM = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


def operation(bp: Blueprint, rule: str, method: str, *, summary: str, tag: str,
              ok: tuple[int, str], errors: tuple[int, ...],
              parameters: list[dict[str, Any]] | None = None, body: str | None = None,
              body_required: bool = True, public: bool = False,
              description: str = "") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a view on *bp* and document it (see the module docstring)."""

    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        endpoint = f"{bp.name}.{view.__name__}"
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=view, methods=[method])
        responses: dict[int, str | None] = {ok[0]: ok[1]}
        # every request may be malformed (a NUL anywhere is refused before the view)
        generic = (400,) if public else (400, 401, 429)
        for status in sorted({*errors, *generic}):
            responses[status] = None
        OPERATIONS.append(Operation(
            path=_FLASK_PARAM.sub(r"{\1}", rule), method=method.lower(), endpoint=endpoint,
            summary=summary, tag=tag, responses=responses, parameters=parameters or [],
            body=body, body_required=body_required, public=public,
            description=description))
        if public:
            PUBLIC_ENDPOINTS.add(endpoint)
        return view

    return register


def query(name: str, schema: dict[str, Any], description: str,
          required: bool = False) -> dict[str, Any]:
    """An OpenAPI query parameter."""
    return {"name": name, "in": "query", "required": required, "description": description,
            "schema": schema}


def path_param(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    """An OpenAPI path parameter."""
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": schema}


PAGE_PARAMS = [
    query("page", {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1}, "页码"),
    query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "每页条数（默认 20）"),
]


def page_args() -> tuple[int, int]:
    """(page, per_page) from the query."""
    page = arg_int("page", 1, 1, 100000)
    per_page = arg_int("per_page", settings().page_size, 1, 100)
    assert page is not None and per_page is not None
    return page, per_page
