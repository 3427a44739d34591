"""The header's unread count and the notification page of an organisation."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.db import session_scope
from app.engine.clock import parse_instant
from app.models import Notification, Org
from app.services.notifications import enqueue
from tests.procedures.conftest import World
from tests.procedures.test_intra_province import start_cross_county
from tests.web.conftest import sign_in


def count_in_header(page: str) -> int:
    found = re.search(r'class="notice-count"[^>]*>(\d+)<', page)
    return int(found.group(1)) if found else 0


def test_overdue_reminders_are_counted_listed_and_marked_read(client, world: World) -> None:
    case = start_cross_county(world)  # initiate due end of Mon 2026-03-09
    world.fire("2026-03-10T00:00:00+08:00")
    sign_in(client, "op-CS-YL-JY-P1")
    assert count_in_header(client.get("/inbox").get_data(as_text=True)) == 1
    page = client.get("/notifications").get_data(as_text=True)
    assert "超期提醒" in page and case.number in page and f'href="/cases/{case.id}"' in page
    with session_scope(world.engine) as s:
        [own] = s.scalars(select(Notification.id).join(Org, Org.id == Notification.org_id)
                          .where(Org.code == "CS-YL-JY-P1")).all()
    response = client.post("/notifications/read", data={"id": str(own)})
    assert response.status_code == 302
    page = client.get("/notifications").get_data(as_text=True)
    assert "已将 1 条通知标为已读" in page and count_in_header(page) == 0 and "已读" in page
    client.post("/logout")
    sign_in(client, "op-CS-YL-JY")  # the superior was reminded too
    assert count_in_header(client.get("/inbox").get_data(as_text=True)) == 1
    client.post("/notifications/read", data={})
    assert count_in_header(client.get("/notifications").get_data(as_text=True)) == 0


def test_notifications_of_another_organisation_or_role_are_not_shown(client, world) -> None:
    with session_scope(world.engine, write=True) as s:
        org = s.scalar(select(Org).where(Org.code == "CS-YL"))
        enqueue(s, now=parse_instant("2026-03-02T09:00"), org_id=org.id, kind="overdue",
                subject="给管理人员的提醒", body="正文", dedupe_key="t:1", role="manager")
    sign_in(client, "op-CS-YL")
    assert "给管理人员的提醒" not in client.get("/notifications").get_data(as_text=True)
    client.post("/notifications/read", data={})
    client.post("/logout")
    sign_in(client, "mgr-CS-YL")
    page = client.get("/notifications").get_data(as_text=True)
    assert "给管理人员的提醒" in page and count_in_header(page) == 1
    client.post("/logout")
    sign_in(client, "op-CS-YH")
    assert "本组织暂无通知" in client.get("/notifications").get_data(as_text=True)
