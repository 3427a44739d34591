"""routing/compute: the route of the case (ROUTING.md), written into the workflow and the case."""

from __future__ import annotations

from typing import Any

from app.org.facts import up
from app.org.routing import compute_route
from app.services.case_orgs import link_orgs
from app.services.directory import DbDirectory
from handlers import HandlerContext, register
from handlers.context import case_of


def route_params(kind: str, data: dict[str, Any]) -> dict[str, str]:
    """The parameters of ROUTING.md §3 for a case of *kind* from its workflow data."""
    if kind == "intra":
        return {"from": data["branch"], "to": data["target_branch"]}
    if kind in ("out", "out-of-system"):
        return {"from": data["branch"]}
    if kind == "in":
        return {"entry": data["registrar"], "to": data["target_branch"]}
    if kind == "whole-unit":
        return {"unit": data["unit"]["code"], "to": data["new_parent"]}
    raise ValueError(f"unknown case kind {kind!r}")


def _archive_roles(route: dict[str, Any], directory: DbDirectory, policy: str) -> None:
    """The archive reviewer (reading of PROCEDURES.md §1.4) and the way back to the initiator.

    The reviewer is the last nationwide organisation of up(receiver), or the receiver itself
    for a direct transfer; a problem travels back through the approvers below the reviewer,
    in reverse order, to the initiator.
    """
    approvers: list[str] = list(route.get("approvers", []))
    receiver = route["receiver"]
    reviewer = up(directory, receiver, policy)[-1].code if approvers else receiver
    below = approvers[: approvers.index(reviewer)] if reviewer in approvers else approvers
    route["archive_reviewer"] = reviewer
    route["archive_return_path"] = list(reversed(below))


def build_route(kind: str, data: dict[str, Any], directory: DbDirectory,
                policy: str) -> dict[str, Any]:
    """The route as the diagrams use it: ROUTING.md's keys plus the roles they need."""
    route = compute_route(directory, kind, route_params(kind, data), policy).to_json()
    route["approvers"] = list(route.get("approvers", []))
    if kind == "in":
        route["initiator"] = route["registrar"]
    if kind in ("intra", "in"):
        _archive_roles(route, directory, policy)
    return route


@register("routing/compute")
def compute(ctx: HandlerContext, params: dict[str, Any]) -> dict[str, Any]:
    """Compute the route of the running case and keep it on the case."""
    case = case_of(ctx)
    policy = getattr(ctx.settings, "policy", "hunan-2018")
    route = build_route(case.kind, dict(ctx.data), DbDirectory(ctx.session), policy)
    case.route = route
    link_orgs(ctx.session, case)
    return route
