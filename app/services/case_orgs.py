"""Which organisations take part in a case, kept in ``case_org`` for subtree queries."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.models.case import CaseOrg, TransferCase
from app.models.org import Org

_ROUTE_ROLES = ("initiator", "receiver", "issuer", "registrar", "handler", "archive_reviewer",
                "to", "from", "unit")


def _route_codes(route: dict[str, object]) -> list[tuple[str, str]]:
    pairs = [(role, str(route[role])) for role in _ROUTE_ROLES if route.get(role)]
    approvers = route.get("approvers") or []
    if isinstance(approvers, list | tuple):
        pairs += [("approver", str(code)) for code in approvers]
    return pairs


def link_orgs(session: Session, case: TransferCase) -> int:
    """Rewrite the case's organisation links from its columns and route; how many."""
    links: dict[int, str] = {}
    for role, org_id in (("branch", case.from_org_id), ("target", case.to_org_id),
                         ("initiator", case.initiator_org_id),
                         ("receiver", case.receiver_org_id), ("unit", case.unit_org_id)):
        if org_id is not None:
            links.setdefault(org_id, role)
    pairs = _route_codes(case.route or {})
    if pairs:
        rows = session.execute(select(Org.code, Org.id).where(Org.code.in_({c for _, c in pairs})))
        ids = {code: org_id for code, org_id in rows}
        for role, code in pairs:
            if code in ids:
                links.setdefault(ids[code], role)
    session.execute(delete(CaseOrg).where(CaseOrg.case_id == case.id))
    session.add_all(CaseOrg(case_id=case.id, org_id=org_id, role=role)
                    for org_id, role in links.items())
    return len(links)
