"""Personal data over the API: masked by default, in full only with VIEW_FULL_ID, audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.db import session_scope
from app.models import AuditEvent, Member
from tests.procedures.conftest import World


def test_id_numbers_and_phones_are_masked_unless_permitted(api_world: World,
                                                            as_user: Any) -> None:
    case = api_world.start("2026-03-02T09:00", "sec-CS-YL-JY-P1-B1", kind="intra",
                           member="M-JY", target_branch="CS-YH-P1-B1",
                           letter={"reason": "工作调动", "contact_phone": "13912345678",
                                   "validity_days": 30})
    with session_scope(api_world.engine) as s:
        full = s.scalar(select(Member.id_number).where(Member.code == "M-JY"))
    op, mgr = as_user("op-CS-YL-JY-P1"), as_user("mgr-CS-YL")
    shown = op.get(f"/cases/{case.number}").json
    assert shown["member"]["id_number"] == full[:4] + "*" * 10 + full[-4:]
    assert shown["letter"]["contact_phone"] == "139****5678" and shown["full_id"] is False
    assert full not in str(shown) and "13912345678" not in str(shown)
    refused = op.get(f"/cases/{case.number}", full_id="true")
    assert refused.status_code == 403
    allowed = mgr.get(f"/cases/{case.number}", full_id="true").json
    assert allowed["member"]["id_number"] == full and allowed["full_id"] is True
    assert allowed["letter"]["contact_phone"] == "139****5678"
    with session_scope(api_world.engine) as s:
        views = s.scalars(select(AuditEvent).where(AuditEvent.action == "view_full_id")).all()
    assert [(v.actor, v.changes["case"]) for v in views] == [("mgr-CS-YL", case.number)]
    other = as_user("mgr-CS-YH").get(f"/cases/{case.number}", full_id="true")
    assert other.status_code == 200  # CS-YH receives: the case touches its subtree
    stranger = as_user("mgr-HN-JG").get(f"/cases/{case.number}", full_id="true")
    assert stranger.status_code == 403
