"""Checks of a transfer request: the electronic letter, a paper letter's registration, locks.

Each check returns the normalized data or raises InvalidData with a Chinese message per
field, so the web form can show them beside the fields.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from app.errors import InvalidData
from app.models.case import OrgLock, TransferCase
from app.models.org import Org
from app.org.idnumber import id_number_error

ARCHIVE_HANDLING = ("with_letter", "sealed_copy")


def _text(data: dict[str, Any], key: str, label: str, limit: int, errors: dict[str, str],
          required: bool = True) -> str | None:
    value = str(data.get(key) or "").strip()
    if not value:
        if required:
            errors[key] = f"请填写{label}"
        return None
    if len(value) > limit:
        errors[key] = f"{label}不能超过{limit}个字"
    return value


def _day(data: dict[str, Any], key: str, label: str, errors: dict[str, str]) -> str | None:
    try:
        return date.fromisoformat(str(data.get(key) or "")).isoformat()
    except ValueError:
        errors[key] = f"{label}应为日期（YYYY-MM-DD）"
        return None


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise InvalidData("请更正标出的字段：" + "；".join(errors.values()), errors)


def check_letter(letter: dict[str, Any], kind: str) -> dict[str, Any]:
    """The electronic letter (电子介绍信): reason, phone, validity (≤90 days), archive handling."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {
        "reason": _text(letter, "reason", "转接原因", 200, errors),
        "contact_phone": _text(letter, "contact_phone", "联系电话", 20, errors),
        "archive_handling": str(letter.get("archive_handling") or "with_letter"),
    }
    if out["archive_handling"] not in ARCHIVE_HANDLING:
        errors["archive_handling"] = "档案随转事项取值无效"
    try:
        validity = int(letter.get("validity_days") or 30)
        if not 1 <= validity <= 90:
            raise ValueError
        out["validity_days"] = validity
    except (TypeError, ValueError):
        errors["validity_days"] = "有效期应为1至90天"
    _raise(errors)
    return out


def _member_data(member: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    out = {k: _text(member, k, label, limit, errors) for k, label, limit in (
        ("name", "姓名", 50), ("gender", "性别", 2), ("ethnicity", "民族", 20))}
    number = str(member.get("id_number") or "").strip().upper()
    why = id_number_error(number)
    if why:
        errors["member.id_number"] = f"公民身份号码无效：{why}"
    out["id_number"] = number
    out["category"] = member.get("category")
    if out["category"] not in ("full", "probationary"):
        errors["member.category"] = "请选择正式党员或预备党员"
    out["birth_date"] = _day(member, "birth_date", "出生日期", errors)
    out["joined_on"] = _day(member, "joined_on", "入党日期", errors)
    dues = str(member.get("dues_paid_until") or "")
    if len(dues) != 7 or dues[4] != "-" or not (dues[:4] + dues[5:]).isdigit():
        errors["member.dues_paid_until"] = "党费交至应为年月（YYYY-MM）"
    out["dues_paid_until"] = dues
    out["phone"] = str(member.get("phone") or "").strip() or None
    return out


def check_registration(data: dict[str, Any], what: str) -> dict[str, Any]:
    """A destination outside the province (``destination``) or an incoming paper letter."""
    errors: dict[str, str] = {}
    if what == "destination":
        place: dict[str, Any] = {
            "province": _text(data, "province", "转往省份", 20, errors),
            "org_name": _text(data, "org_name", "转往党组织", 100, errors),
            "address": _text(data, "address", "通讯地址", 200, errors, required=False)}
        _raise(errors)
        return place
    out: dict[str, Any] = {"serial": _text(data, "serial", "介绍信编号", 40, errors),
           "issuing_org": _text(data, "issuing_org", "开具介绍信的党组织", 100, errors),
           "province": _text(data, "province", "所在省份", 20, errors),
           "issued_on": _day(data, "issued_on", "开具日期", errors),
           "reason": _text(data, "reason", "转接原因", 200, errors, required=False),
           "contact_phone": _text(data, "contact_phone", "联系电话", 20, errors, required=False)}
    try:
        validity_days = int(data.get("validity_days") or 0)
        if not 1 <= validity_days <= 90:
            raise ValueError
        out["validity_days"] = validity_days
    except (TypeError, ValueError):
        errors["validity_days"] = "有效期应为1至90天"
    out["member"] = _member_data(dict(data.get("member") or {}), errors)
    _raise(errors)
    return out


def locked_by(session: Session, org: Org) -> str | None:
    """The number of the whole-unit case that locks *org*'s part of the tree, if any."""
    return session.scalar(
        select(TransferCase.number).join(OrgLock, OrgLock.case_id == TransferCase.id)
        .join(Org, Org.id == OrgLock.org_id)
        .where(literal(org.path).startswith(Org.path)).limit(1))
