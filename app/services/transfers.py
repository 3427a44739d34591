"""Starting a transfer: validate the request, compute the route, start the newest diagram.

Everything happens in the caller's transaction: the case row, the whole-unit lock and the
workflow's first steps commit together or not at all.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import policy
from app.config import Settings
from app.engine import runtime
from app.engine.clock import SHANGHAI, Clock
from app.errors import InvalidData, NotAllowed, NotFound
from app.models.case import FINAL_STATUSES, PROCESS_OF_KIND, OrgLock, TransferCase
from app.models.member import Member
from app.models.org import Org
from app.models.user import User
from app.org.facts import RouteError
from app.org.tree import OrgError
from app.services.actors import active_user
from app.services.case_orgs import link_orgs
from app.services.directory import DbDirectory
from app.services.start_locks import lock_for_start
from app.services.transfer_checks import check_letter, check_registration, locked_by
from handlers.routing import build_route


@dataclass
class TransferRequest:
    """What an applicant submits. Which fields matter depends on ``kind``."""

    kind: str
    member: str | None = None            # member code (intra, out, out-of-system)
    target_branch: str | None = None     # intra, in
    letter: dict[str, Any] = field(default_factory=dict)        # the electronic letter
    destination: dict[str, Any] = field(default_factory=dict)   # out: province, org, address
    registration: dict[str, Any] = field(default_factory=dict)  # in: the paper letter
    unit: str | None = None              # whole-unit: the organisation that moves
    new_parent: str | None = None        # whole-unit: where it goes


def _org(session: Session, code: str | None, what: str) -> Org:
    if not code:
        raise InvalidData(f"请指定{what}", {what: "必填"})
    org = session.scalar(select(Org).where(Org.code == code))
    if org is None:
        raise NotFound(f"no organisation with code {code!r} ({what})")
    return org


def _open_case_of(session: Session, member_id: int) -> TransferCase | None:
    return session.scalar(select(TransferCase).where(
        TransferCase.member_id == member_id, TransferCase.status.not_in(FINAL_STATUSES)))


def _member_request(session: Session, user: User, req: TransferRequest) -> tuple[Member, Org]:
    if not req.member:
        raise InvalidData("请选择党员", {"member": "必填"})
    member = session.scalar(select(Member).where(Member.code == req.member))
    if member is None:
        raise NotFound(f"no member {req.member!r}")
    if member.status != "active":
        raise NotAllowed(f"member {member.code} is not an active member here ({member.status})")
    branch = session.get(Org, member.branch_id)
    assert branch is not None
    policy.require_at(user, policy.Action.START_MEMBER_TRANSFER, branch.id)
    other = _open_case_of(session, member.id)
    if other is not None:
        raise NotAllowed(f"member {member.code} already has an open case {other.number}")
    return member, branch


def _route(session: Session, settings: Settings, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    try:
        route = build_route(kind, data, DbDirectory(session), settings.policy)
    except (RouteError, OrgError) as exc:
        raise NotAllowed(str(exc)) from exc
    _check_active(session, route)
    return route


def _new_case(session: Session, clock: Clock, user: User, kind: str, route: dict[str, Any],
              **columns: Any) -> TransferCase:
    now = clock.now()
    case = TransferCase(number=f"P{uuid.uuid4().hex[:12]}", kind=kind, status="applying",
                        route=route, created_at=now, created_by=user.username, updated_at=now,
                        **columns)
    session.add(case)
    session.flush()
    case.number = f"ZJ{now.astimezone(SHANGHAI).year}{case.id:06d}"
    link_orgs(session, case)
    return case


def _check_active(session: Session, route: dict[str, Any]) -> None:
    """No new transfer from, into or through a deactivated organisation."""
    codes = {str(v) for k, v in route.items() if isinstance(v, str) and k != "rule"
             and k != "kind"} | {str(c) for c in route.get("approvers", [])}
    inactive = session.scalars(select(Org.name).where(Org.code.in_(codes),
                                                      Org.active.is_(False))).all()
    if inactive:
        raise NotAllowed(f"{'、'.join(sorted(inactive))} 已停用，不能办理新的转接")


def _check_unlocked(session: Session, *orgs: Org) -> None:
    for org in orgs:
        if not org.active:
            raise NotAllowed(f"{org.name} 已停用，不能办理新的转接")
        lock = locked_by(session, org)
        if lock is not None:
            raise NotAllowed(f"{org.code} lies in a unit locked by the whole-unit transfer "
                             f"{lock} (Art. 6); no member transfer may start from or into it")


def _launch(session: Session, settings: Settings, clock: Clock, user: User,
            case: TransferCase, data: dict[str, Any]) -> TransferCase:
    from app.services.workflow import engine_config

    def link(instance: Any) -> None:
        case.instance_id = instance.id

    data = {**data, "kind": case.kind, "case_id": case.id, "case_number": case.number}
    runtime.start(session, engine_config(settings), clock, PROCESS_OF_KIND[case.kind], data,
                  user.username, before_run=link)
    return case


def _org_id(session: Session, code: str | None) -> int | None:
    return session.scalar(select(Org.id).where(Org.code == code)) if code else None


@dataclass
class _Plan:
    """A checked request: the route, the workflow's data and the case's columns."""

    kind: str
    route: dict[str, Any]
    data: dict[str, Any]
    columns: dict[str, Any]
    lock_unit: int | None = None


def _plan_member_case(session: Session, settings: Settings, user: User,
                      req: TransferRequest) -> _Plan:
    """intra / out / out-of-system: a branch secretary applies for a member of the branch."""
    member, branch = _member_request(session, user, req)
    letter = check_letter(req.letter, req.kind)
    data: dict[str, Any] = {"branch": branch.code, "letter": letter,
                            "member": {"id": member.id, "code": member.code,
                                       "name": member.name}}
    target = None
    if req.kind == "intra":
        target = _org(session, req.target_branch, "target_branch")
        data["target_branch"] = target.code
        _check_unlocked(session, branch, target)
    else:
        _check_unlocked(session, branch)
    destination = check_registration(req.destination, "destination") if req.kind == "out" \
        else None
    route = _route(session, settings, req.kind, data)
    return _Plan(req.kind, route, data, {
        "member_id": member.id, "from_org_id": branch.id,
        "to_org_id": target.id if target else None,
        "initiator_org_id": _org_id(session, route["initiator"]),
        "receiver_org_id": _org_id(session, route.get("receiver")),
        "letter": letter, "destination": destination})


def _plan_incoming(session: Session, settings: Settings, clock: Clock, user: User,
                   req: TransferRequest) -> _Plan:
    """in: an operator of the addressee (nationwide) registers a paper letter from outside."""
    registrar = session.get(Org, user.org_id)
    assert registrar is not None
    policy.require(user, policy.Action.REGISTER_INCOMING)
    reg = check_registration(req.registration, "registration")
    today = clock.now().astimezone(SHANGHAI).date()
    valid_until = date.fromisoformat(reg["issued_on"]) + timedelta(days=int(reg["validity_days"]))
    if valid_until < today:
        raise NotAllowed(f"the letter expired on {valid_until.isoformat()} (介绍信已过有效期)")
    if session.scalar(select(Member.id).where(Member.id_number == reg["member"]["id_number"])):
        raise NotAllowed("a member with this 公民身份号码 is already on record")
    target = _org(session, req.target_branch, "target_branch")
    _check_unlocked(session, target)
    data = {"registrar": registrar.code, "target_branch": target.code,
            "member": {"name": reg["member"]["name"]}, "letter": reg}
    route = _route(session, settings, "in", data)
    return _Plan("in", route, data, {
        "member_id": None, "from_org_id": registrar.id, "to_org_id": target.id,
        "initiator_org_id": registrar.id,
        "receiver_org_id": _org_id(session, route["receiver"]), "letter": reg,
        "destination": {"issuing_org": reg["issuing_org"], "province": reg["province"]}})


def _plan_whole_unit(session: Session, settings: Settings, user: User,
                     req: TransferRequest) -> _Plan:
    """whole-unit: an operator of the unit's current parent applies (Art. 6)."""
    unit = _org(session, req.unit, "unit")
    new_parent = _org(session, req.new_parent, "new_parent")
    if unit.parent_id is None:
        raise NotAllowed(f"{unit.code} has no parent to move from")
    policy.require_at(user, policy.Action.START_WHOLE_UNIT, unit.parent_id)
    _check_unlocked(session, unit, new_parent)
    subtree = select(Org.id).where(Org.path.startswith(unit.path, autoescape=True))
    busy = session.scalar(select(TransferCase.number).where(
        TransferCase.status.not_in(FINAL_STATUSES),
        TransferCase.from_org_id.in_(subtree) | TransferCase.to_org_id.in_(subtree)).limit(1))
    if busy:
        raise NotAllowed(f"case {busy} is still open inside {unit.code}; finish it first")
    data = {"unit": {"code": unit.code, "name": unit.name}, "new_parent": new_parent.code,
            "member": {"name": unit.name}}
    route = _route(session, settings, "whole-unit", data)
    return _Plan("whole-unit", route, data, {
        "unit_org_id": unit.id, "from_org_id": unit.parent_id, "to_org_id": new_parent.id,
        "initiator_org_id": unit.parent_id, "receiver_org_id": new_parent.id, "letter": {},
        "destination": None}, lock_unit=unit.id)


def _plan(session: Session, settings: Settings, clock: Clock, user: User,
          req: TransferRequest) -> _Plan:
    if req.kind in ("intra", "out", "out-of-system"):
        return _plan_member_case(session, settings, user, req)
    if req.kind == "in":
        return _plan_incoming(session, settings, clock, user, req)
    if req.kind == "whole-unit":
        return _plan_whole_unit(session, settings, user, req)
    raise InvalidData(f"unknown kind {req.kind!r}", {"kind": "取值无效"})


def preview_transfer(session: Session, settings: Settings, clock: Clock, req: TransferRequest,
                     username: str) -> dict[str, Any]:
    """Check *req* as start_transfer would and give the route it would take; writes nothing.

    The applicant sees this route before submitting (PROCEDURES.md §1.1); every refusal
    start_transfer would give is given here too.
    """
    return _plan(session, settings, clock, active_user(session, username), req).route


def start_transfer(session: Session, settings: Settings, clock: Clock, req: TransferRequest,
                   username: str) -> TransferCase:
    """Validate *req* as *username*, create the case and start its procedure.

    The rows its checks read are locked first (:mod:`app.services.start_locks`): two
    simultaneous applications for one member — a double submit, a retry after a lost
    answer — or for a unit and a member inside it are serialized, and the second is refused.
    """
    user = active_user(session, username)
    lock_for_start(session, req)
    plan = _plan(session, settings, clock, user, req)
    case = _new_case(session, clock, user, plan.kind, plan.route, **plan.columns)
    if plan.lock_unit is not None:
        session.add(OrgLock(org_id=plan.lock_unit, case_id=case.id, locked_at=clock.now()))
    return _launch(session, settings, clock, user, case, plan.data)
