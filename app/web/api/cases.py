"""API: cases — search, start, read (masked, or in full with permission), withdraw."""

from __future__ import annotations

from typing import Any

from app.models.case import CASE_KINDS, CASE_STATUSES
from app.services import api_cases, cases
from app.services.transfers import TransferRequest, start_transfer
from app.web.api import bp
from app.web.api.core import (
    PAGE_PARAMS,
    ApiError,
    api_user,
    arg_bool,
    arg_choice,
    arg_date,
    arg_text,
    bad_request,
    body_object,
    body_text,
    json_body,
    operation,
    page_args,
    path_param,
    query,
)
from app.web.support import clock, db, settings, writing

CASE_PARAM = path_param("case", {"type": "string", "pattern": r"^(\d{1,9}|ZJ\d{4,12})$"},
                        "案件编号（如 ZJ2026000001）或案件 id")


def _case_ref(value: str) -> str:
    if not (value.isdigit() and len(value) <= 9) and not (
            value.startswith("ZJ") and value[2:].isdigit() and len(value) <= 14):
        raise ApiError(404, "not_found", f"no case {value[:40]}")
    return value


@operation(bp, "/cases", "GET", summary="查询案件（按类型、状态、组织、超期、日期、党员姓名）",
           tag="cases", ok=(200, "CasePage"), errors=(400, 403, 422),
           parameters=[
               query("kind", {"type": "string", "enum": list(CASE_KINDS)}, "转接类型"),
               query("status", {"type": "string", "enum": list(CASE_STATUSES)}, "案件状态"),
               query("org", {"type": "string", "maxLength": 64},
                     "组织编码：只列涉及该组织及其下级的案件"),
               query("overdue", {"type": "boolean"}, "是否有超期环节"),
               query("created_from", {"type": "string", "format": "date"}, "发起日期起"),
               query("created_to", {"type": "string", "format": "date"}, "发起日期止"),
               query("member", {"type": "string", "maxLength": 50}, "党员姓名（包含）"),
               *PAGE_PARAMS])
def list_cases() -> Any:
    """Cases the token's user may see, newest first."""
    page, per_page = page_args()
    f = api_cases.CaseFilter(
        kind=arg_choice("kind", list(CASE_KINDS)), status=arg_choice("status",
                                                                     list(CASE_STATUSES)),
        org=arg_text("org", 64), overdue=arg_bool("overdue"),
        created_from=arg_date("created_from"), created_to=arg_date("created_to"),
        member=arg_text("member", 50), page=page, per_page=per_page)
    return api_cases.search_cases(db(), api_user(), f).to_json()


def _transfer_request(body: dict[str, Any]) -> TransferRequest:
    kind = body_text(body, "kind", 20)
    if kind not in CASE_KINDS:
        raise bad_request("kind", f"应为 {' / '.join(CASE_KINDS)} 之一")
    registration = body_object(body, "registration")
    if "member" in registration and not isinstance(registration["member"], dict):
        raise bad_request("registration.member", "应为 JSON 对象")
    return TransferRequest(
        kind=kind, member=body_text(body, "member", 64),
        target_branch=body_text(body, "target_branch", 64),
        letter=body_object(body, "letter"), destination=body_object(body, "destination"),
        registration=registration, unit=body_text(body, "unit", 64),
        new_parent=body_text(body, "new_parent", 64))


@operation(bp, "/cases", "POST", summary="发起转接（与网页“发起转接”相同的校验与流程）",
           tag="cases", ok=(201, "Case"), errors=(400, 403, 404, 409, 422),
           body="StartCase")
def start_case() -> Any:
    """Start a transfer as the token's user."""
    req = _transfer_request(json_body())
    user = api_user()
    with writing() as s:
        case = start_transfer(s, settings(), clock(), req, user.username)
        detail = api_cases.case_json(s, user, case.id)
    return detail, 201


@operation(bp, "/cases/<case>", "GET", summary="案件详情（公民身份号码默认脱敏）", tag="cases",
           ok=(200, "Case"), errors=(400, 403, 404),
           parameters=[CASE_PARAM, query("full_id", {"type": "boolean"},
                                         "显示完整公民身份号码（需相应权限，并记入审计）")])
def get_case(case: str) -> Any:
    """One case; ``full_id=true`` shows the 公民身份号码 in full (VIEW_FULL_ID, audited)."""
    ref = _case_ref(case)
    full = bool(arg_bool("full_id"))
    if not full:
        return api_cases.case_json(db(), api_user(), ref)
    with writing() as s:
        return api_cases.case_json(s, api_user(), ref, full_id=True, now=clock().now())


@operation(bp, "/cases/<case>/withdraw", "POST", summary="撤销案件（发起党委，接收前；须填写理由）",
           tag="cases", ok=(200, "Case"), errors=(400, 403, 404, 409, 422),
           parameters=[CASE_PARAM], body="Withdraw")
def withdraw_case(case: str) -> Any:
    """撤销: the initiating committee ends the case before reception."""
    ref = _case_ref(case)
    reason = body_text(json_body(), "reason", 2000) or ""
    user = api_user()
    with writing() as s:
        found = cases.withdraw(s, settings(), clock(), ref, user.username, reason)
        return api_cases.case_json(s, user, found.id)

