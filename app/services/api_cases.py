"""Cases for the API (and any other caller): search with the managers' filters, one case as
JSON with personal data masked, the full 公民身份号码 on permission (audited).

What a user may see is the policy's (:func:`app.policy.case_visibility`); the filters only
narrow it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session

from app import policy
from app.engine import audit
from app.engine.clock import SHANGHAI
from app.errors import InvalidData
from app.models.case import CASE_KINDS, CASE_STATUSES, CaseOrg, TransferCase
from app.models.engine import HumanTask
from app.models.member import Member
from app.models.org import Org
from app.models.user import User
from app.pii import mask_personal
from app.services.cases import case_detail, get_case


@dataclass(frozen=True)
class CaseFilter:
    """The filters of a case search; None means "any"."""

    kind: str | None = None
    status: str | None = None
    org: str | None = None             # an organisation code: cases touching its subtree
    overdue: bool | None = None
    created_from: date | None = None   # Asia/Shanghai calendar days, both ends included
    created_to: date | None = None
    member: str | None = None          # part of the member's name
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class Page:
    """One page of results."""

    items: list[dict[str, Any]]
    page: int
    per_page: int
    total: int

    def to_json(self) -> dict[str, Any]:
        """The page as the API returns it."""
        return {"items": self.items, "page": self.page, "per_page": self.per_page,
                "total": self.total}


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=SHANGHAI)


def _overdue_cases() -> Any:
    return exists().where(HumanTask.instance_id == TransferCase.instance_id,
                          HumanTask.status == "open", HumanTask.overdue.is_(True))


def _filtered(session: Session, user: User, f: CaseFilter) -> Select[Any]:
    query = select(TransferCase).where(policy.case_visibility(session, user))
    if f.kind:
        query = query.where(TransferCase.kind == f.kind)
    if f.status:
        query = query.where(TransferCase.status == f.status)
    if f.org:
        path = session.scalar(select(Org.path).where(Org.code == f.org))
        if path is None:
            raise InvalidData(f"no organisation with code {f.org!r}", {"org": "组织编码不存在"})
        inside = select(CaseOrg.case_id).join(Org, Org.id == CaseOrg.org_id).where(
            Org.path.startswith(path, autoescape=True))
        query = query.where(TransferCase.id.in_(inside))
    if f.overdue is not None:
        query = query.where(_overdue_cases() if f.overdue else ~_overdue_cases())
    if f.created_from:
        query = query.where(TransferCase.created_at >= _day_start(f.created_from))
    if f.created_to:
        query = query.where(TransferCase.created_at < _day_start(f.created_to + timedelta(1)))
    if f.member:
        names = select(Member.id).where(Member.name.contains(f.member, autoescape=True))
        query = query.where(TransferCase.member_id.in_(names))
    return query


def _org_codes(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return dict(session.execute(select(Org.id, Org.code).where(Org.id.in_(wanted))).all())


def case_summaries(session: Session, cases: list[TransferCase]) -> list[dict[str, Any]]:
    """The list form of cases: numbers, kind, status, organisations, member name, overdue."""
    orgs = _org_codes(session, {c.from_org_id for c in cases} | {c.to_org_id for c in cases}
                      | {c.initiator_org_id for c in cases})
    member_ids = [c.member_id for c in cases if c.member_id is not None]
    names = dict(session.execute(select(Member.id, Member.name)
                                 .where(Member.id.in_(member_ids))).all()) \
        if member_ids else {}
    instance_ids = [c.instance_id for c in cases if c.instance_id is not None]
    late = set(session.scalars(select(HumanTask.instance_id).where(
        HumanTask.instance_id.in_(instance_ids), HumanTask.status == "open",
        HumanTask.overdue.is_(True)))) if instance_ids else set()
    return [{
        "id": c.id, "number": c.number, "kind": c.kind, "kind_label": CASE_KINDS[c.kind],
        "status": c.status, "status_label": CASE_STATUSES.get(c.status, c.status),
        "member_name": names.get(c.member_id or 0),
        "from": orgs.get(c.from_org_id), "to": orgs.get(c.to_org_id or 0),
        "initiator": orgs.get(c.initiator_org_id),
        "created_at": c.created_at.isoformat(), "updated_at": c.updated_at.isoformat(),
        "ended_at": c.ended_at.isoformat() if c.ended_at else None,
        "overdue": c.instance_id in late,
    } for c in cases]


def search_cases(session: Session, user: User, f: CaseFilter) -> Page:
    """The cases *user* may see that match *f*, newest first, one page."""
    policy.require(user, policy.Action.VIEW_CASES)
    query = _filtered(session, user, f)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(TransferCase.created_at.desc(),
                                          TransferCase.id.desc())
                           .offset((f.page - 1) * f.per_page).limit(f.per_page)).all()
    return Page(case_summaries(session, list(rows)), f.page, f.per_page, int(total))


def _member_json(session: Session, case: TransferCase) -> dict[str, Any] | None:
    if case.member_id is None:
        registered = case.letter.get("member") if case.kind == "in" else None
        return dict(registered) if isinstance(registered, dict) else None
    member = session.get(Member, case.member_id)
    if member is None:
        return None
    return {"code": member.code, "name": member.name, "gender": member.gender,
            "ethnicity": member.ethnicity, "id_number": member.id_number,
            "category": member.category, "phone": member.phone, "status": member.status}


def case_json(session: Session, user: User, case_ref: int | str, full_id: bool = False,
              now: datetime | None = None) -> dict[str, Any]:
    """One case as JSON for *user*: the detail of ``cases show``, the member, the letter.

    Phone numbers are always masked; the 公民身份号码 is masked unless *full_id*, which
    needs VIEW_FULL_ID and writes an audit event (``view_full_id``) — the caller commits.
    """
    case = get_case(session, case_ref)
    policy.require_view_case(session, user, case)
    if full_id:
        policy.require_full_id(session, user, case)  # refused before anything is read
    detail = case_detail(session, case.id)
    detail["member"] = _member_json(session, case)
    detail["letter"] = case.letter
    detail["initiator"] = _org_codes(session, {case.initiator_org_id}).get(
        case.initiator_org_id)
    detail["receiver"] = _org_codes(session, {case.receiver_org_id}).get(
        case.receiver_org_id or 0)
    masked: dict[str, Any] = mask_personal(detail)
    if full_id and masked["member"]:
        masked["member"]["id_number"] = reveal_id_number(session, user, case,
                                                         now or case.updated_at)
    masked["full_id"] = bool(full_id)
    return masked


def reveal_id_number(session: Session, user: User, case: TransferCase,
                     now: datetime) -> str | None:
    """The full 公民身份号码 of *case*'s member for *user* (VIEW_FULL_ID and the case in
    sight), written to the audit log as ``view_full_id`` in the caller's transaction.
    For every page or export that shows it in full."""
    policy.require_full_id(session, user, case)
    member = _member_json(session, case)
    number = member.get("id_number") if member else None
    if not member or not number:
        return None
    audit.append(session, chain=audit.SYSTEM_CHAIN, at=now, actor=user.username,
                 action="view_full_id", changes={"case": case.number, "member": member.get("code")})
    return str(number)
