"""Organisations for the API: search by name or code, and the route a transfer would take.

The route preview is the same computation the case start makes
(:func:`handlers.routing.build_route` over :class:`app.services.directory.DbDirectory`),
so what a client is shown before submitting is what the case will follow.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app import policy
from app.config import Settings
from app.errors import InvalidData, NotFound
from app.models.org import Org
from app.models.user import User
from app.org.facts import RouteError
from app.org.routing import ROUTE_PARAMS
from app.org.tree import KIND_NAMES, OrgError, UnknownOrgError
from app.services.api_cases import Page
from app.services.directory import DbDirectory
from app.services.orgs import org_info
from handlers.routing import build_route


def search_orgs(session: Session, user: User, text: str | None, kind: str | None,
                page: int = 1, per_page: int = 20) -> Page:
    """Organisations whose name or code contains *text*, of *kind* when given, by code."""
    policy.require(user, policy.Action.VIEW_ORGS)
    query = select(Org)
    if text:
        query = query.where(or_(Org.name.contains(text, autoescape=True),
                                Org.code.contains(text, autoescape=True)))
    if kind:
        query = query.where(Org.kind == kind)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Org.code).offset((page - 1) * per_page)
                           .limit(per_page)).all()
    parents = {o.parent_id for o in rows if o.parent_id is not None}
    codes = dict(session.execute(select(Org.id, Org.code).where(Org.id.in_(parents)))
                 .all()) if parents else {}
    items = [{"code": o.code, "name": o.name, "kind": o.kind, "kind_name": KIND_NAMES[o.kind],
              "parent": codes.get(o.parent_id or 0), "nationwide": o.nationwide,
              "approves_members": o.approves_members} for o in rows]
    return Page(items, page, per_page, int(total))


def get_org(session: Session, user: User, code: str, settings: Settings) -> dict[str, Any]:
    """What ``orgs show`` prints about *code*."""
    policy.require(user, policy.Action.VIEW_ORGS)
    try:
        return org_info(session, code, settings.policy)
    except UnknownOrgError as exc:
        raise NotFound(f"no organisation with code {code!r}") from exc


def _route_data(kind: str, params: dict[str, str]) -> dict[str, Any]:
    if kind == "intra":
        return {"branch": params["from"], "target_branch": params["to"]}
    if kind in ("out", "out-of-system"):
        return {"branch": params["from"]}
    if kind == "in":
        return {"registrar": params["entry"], "target_branch": params["to"]}
    return {"unit": {"code": params["unit"]}, "new_parent": params["to"]}


def preview_route(session: Session, user: User, settings: Settings, kind: str,
                  params: dict[str, str | None]) -> dict[str, Any]:
    """The route of a transfer of *kind* with ROUTING.md's parameters (from, to, entry, unit).

    Unknown organisations are NotFound; a request the rules refuse is InvalidData with the
    article in the message.
    """
    policy.require(user, policy.Action.PREVIEW_ROUTE)
    names = ROUTE_PARAMS.get(kind)
    if names is None:
        raise InvalidData(f"unknown route kind {kind!r}", {"kind": "取值无效"})
    missing = {n: "必填" for n in names if not params.get(n)}
    if missing:
        raise InvalidData(f"route {kind} needs {', '.join(missing)}", missing)
    given = {n: str(params[n]) for n in names}
    try:
        return build_route(kind, _route_data(kind, given), DbDirectory(session),
                           settings.policy)
    except UnknownOrgError as exc:
        raise NotFound(str(exc)) from exc
    except (RouteError, OrgError) as exc:
        raise InvalidData(str(exc), {"route": str(exc)}) from exc
