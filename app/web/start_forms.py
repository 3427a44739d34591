"""The start pages' forms read into TransferRequest, and the facts their preview lists."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from app.errors import InvalidData
from app.models.case import CASE_KINDS
from app.models.member import Member
from app.models.org import Org
from app.org.idnumber import mask
from app.services.applications import resolve_org
from app.services.transfers import TransferRequest
from app.web.filters import date_cn

MEMBER_KINDS = {"intra": "省内转接", "out": "转出省外", "out-of-system": "转往系统外"}
ARCHIVE_HANDLING = {"with_letter": "档案随转", "sealed_copy": "提供入党志愿书复印件（盖章、密封）"}
CATEGORIES = {"full": "正式党员", "probationary": "预备党员"}
MEMBER_FIELDS = ("name", "gender", "ethnicity", "birth_date", "id_number", "category",
                 "joined_on", "dues_paid_until", "phone")


def _text(form: MultiDict[str, str], name: str) -> str:
    return (form.get(name) or "").strip()


def _resolve(session: Session, form: MultiDict[str, str], name: str, errors: dict[str, str],
             kind: str = "branch") -> str | None:
    try:
        return resolve_org(session, form.get(name), name, kind)
    except InvalidData as exc:
        errors.update(exc.fields)
        return None


def _letter(form: MultiDict[str, str]) -> dict[str, Any]:
    return {"reason": _text(form, "reason"), "contact_phone": _text(form, "contact_phone"),
            "validity_days": _text(form, "validity_days") or "30",
            "archive_handling": _text(form, "archive_handling") or "with_letter"}


def member_request(session: Session, form: MultiDict[str, str],
                   errors: dict[str, str]) -> TransferRequest:
    """The branch secretary's application (intra / out / out-of-system)."""
    kind = _text(form, "kind")
    if kind not in MEMBER_KINDS:
        errors["kind"] = "请选择转接类型"
    if not _text(form, "member"):
        errors["member"] = "请选择申请转接的党员"
    target = _resolve(session, form, "target_branch", errors) if kind == "intra" else None
    destination = {"province": _text(form, "dest_province"),
                   "org_name": _text(form, "dest_org_name"),
                   "address": _text(form, "dest_address")} if kind == "out" else {}
    return TransferRequest(kind=kind, member=_text(form, "member") or None,
                           target_branch=target, letter=_letter(form), destination=destination)


def incoming_request(session: Session, form: MultiDict[str, str],
                     errors: dict[str, str]) -> TransferRequest:
    """A paper letter from outside the province, registered by its addressee."""
    registration: dict[str, Any] = {
        key: _text(form, key) for key in ("serial", "issuing_org", "province", "issued_on",
                                          "validity_days", "reason", "contact_phone")}
    registration["member"] = {key: _text(form, f"member.{key}") for key in MEMBER_FIELDS}
    target = _resolve(session, form, "target_branch", errors)
    return TransferRequest(kind="in", target_branch=target, registration=registration)


def whole_unit_request(session: Session, form: MultiDict[str, str],
                       errors: dict[str, str]) -> TransferRequest:
    """A whole-unit transfer: the unit under the user's organisation and its new parent."""
    unit = _text(form, "unit")
    if not unit:
        errors["unit"] = "请选择整建制转接的单位"
    parent = _resolve(session, form, "new_parent", errors, kind="parent")
    return TransferRequest(kind="whole-unit", unit=unit or None, new_parent=parent)


def _day(value: Any) -> str:
    try:
        return date_cn(str(value)) if value else ""
    except ValueError:
        return str(value)


def _org_name(session: Session, code: str | None) -> str:
    if not code:
        return ""
    name = session.scalar(select(Org.name).where(Org.code == code))
    return f"{name}（{code}）" if name else code


def _member_facts(session: Session, req: TransferRequest) -> list[tuple[str, str]]:
    member = session.scalar(select(Member).where(Member.code == req.member))
    facts = [("党员", member.name if member else str(req.member)),
             ("公民身份号码", mask(member.id_number) if member else "")]
    if req.kind == "intra":
        facts.append(("转入党支部", _org_name(session, req.target_branch)))
    elif req.kind == "out":
        d = req.destination
        facts += [("转往", f"{d.get('province', '')} {d.get('org_name', '')}"),
                  ("通讯地址", str(d.get("address") or "—"))]
    else:
        facts.append(("转往", "系统外单位（由办理党组织登记去向）"))
    letter = req.letter
    facts += [("转接原因", str(letter.get("reason", ""))),
              ("联系电话", str(letter.get("contact_phone", ""))),
              ("介绍信有效期", f"{letter.get('validity_days')} 天"),
              ("档案随转事项", ARCHIVE_HANDLING.get(str(letter.get("archive_handling")), ""))]
    return facts


def preview_facts(session: Session, req: TransferRequest) -> list[tuple[str, str]]:
    """What the preview page lists before the route: the request in words."""
    facts = [("转接类型", CASE_KINDS.get(req.kind, req.kind))]
    if req.kind in MEMBER_KINDS:
        return facts + _member_facts(session, req)
    if req.kind == "in":
        r, m = req.registration, req.registration.get("member") or {}
        return [
            *facts,
            ("介绍信", f"{r.get('province', '')} {r.get('issuing_org', '')} {r.get('serial', '')}"),
            ("开具日期", _day(r.get("issued_on"))), ("有效期", f"{r.get('validity_days')} 天"),
            ("党员", f"{m.get('name', '')}（{CATEGORIES.get(str(m.get('category')), '')}）"),
            ("公民身份号码", mask(str(m.get("id_number") or "")) if m.get("id_number") else ""),
            ("转入党支部", _org_name(session, req.target_branch))]
    return [*facts, ("转接单位", _org_name(session, req.unit)),
            ("新的上级党组织", _org_name(session, req.new_parent))]
