"""The managers' pages over HTTP: who may see what, actions with reasons (audited), exports."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select, update

from app import create_app
from app.db import session_scope
from app.engine.clock import FixedClock, parse_instant
from app.models import AuditEvent, HumanTask, Instance, Notification, TransferCase
from tests.casegen import NOW
from tests.procedures.test_intra_province import INITIATE, start_cross_county
from tests.web.conftest import sign_in


def client_at(world, when: str = NOW):
    app = create_app({"database_url": world.settings.database_url, "TESTING": True,
                      "WTF_CSRF_ENABLED": False, "CLOCK": FixedClock(parse_instant(when))})
    return app.test_client()


def signed(world, username: str, when: str = NOW):
    client = client_at(world, when)
    assert sign_in(client, username).status_code == 302
    return client


def test_a_manager_of_another_subtree_cannot_see_the_case(world, known) -> None:
    assert signed(world, "mgr-HN-JG").get(f"/cases/{known['A']}").status_code == 403
    assert signed(world, "op-CS-YL-P2").get(f"/cases/{known['A']}").status_code == 403
    page = signed(world, "mgr-CS-YL").get(f"/cases/{known['A']}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "张三" in text and "4301**********" in text and "已超期" in text
    assert "暂停办理" in text  # a manager may act on it
    assert signed(world, "op-CS-YL").get(f"/cases/{known['A']}").status_code == 200
    assert "暂停办理" not in signed(world, "op-CS-YL").get(
        f"/cases/{known['A']}").get_data(as_text=True)
    assert signed(world, "mgr-CS").get("/cases/999999").status_code == 404


def test_the_list_filters_and_pages(world, known) -> None:
    client = signed(world, "mgr-CS-YL")
    text = client.get("/cases").get_data(as_text=True)
    assert re.search(r'id="case-total">4<', text)
    text = client.get("/cases?overdue=1&kind=intra").get_data(as_text=True)
    assert re.search(r'id="case-total">2<', text) and "张三" in text and "王五" not in text
    text = client.get("/cases?step=approve&task_org=CS-YL&late_from=2026-03-01"
                      "&late_to=2026-03-31").get_data(as_text=True)
    assert re.search(r'id="case-total">1<', text) and "钻取条件" in text
    bad = client.get("/cases?status=nope&created_from=2026-99-01").get_data(as_text=True)
    assert "部分条件无效" in bad and re.search(r'id="case-total">4<', bad)


def test_exports_mask_id_numbers_unless_asked_with_a_reason(world, known) -> None:
    client = signed(world, "mgr-CS-YL")
    response = client.get("/cases/export.csv?sort=number")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["案件编号", "转接类型", "党员（组织）", "公民身份号码"]
    assert [r[2] for r in rows[1:]] == ["张三", "李四", "王五", "孙八"]
    assert all("*" in r[3] for r in rows[1:])
    refused = client.post("/cases/export-full.xlsx", data={"sort": "number",
                                                          "export_reason": " "})
    assert refused.status_code == 302
    full = client.post("/cases/export-full.xlsx", data={"sort": "number", "kind": "intra",
                                                       "export_reason": "核对党员信息"})
    sheet = load_workbook(io.BytesIO(full.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 4 and all(len(v[3]) == 18 and "*" not in v[3] for v in values[1:])
    with session_scope(world.engine) as s:
        events = s.execute(select(AuditEvent.actor, AuditEvent.action, AuditEvent.comment,
                                  AuditEvent.changes).where(AuditEvent.chain == "system",
                                                            AuditEvent.action == "export_full_id")
                           ).all()
    assert [(e.actor, e.comment, e.changes["filters"]["kind"]) for e in events] == [
        ("mgr-CS-YL", "核对党员信息", "intra")]
    operator = signed(world, "op-CS-YL")
    refused = operator.post("/cases/export-full.csv", data={"export_reason": "x"})
    assert refused.status_code == 403
    xlsx = client.get("/cases/export.xlsx")
    assert load_workbook(io.BytesIO(xlsx.data)).active.max_row == 5


def _audit(world, instance_id: int) -> list[tuple[str, str, str | None]]:
    with session_scope(world.engine) as s:
        return [tuple(r) for r in s.execute(
            select(AuditEvent.action, AuditEvent.actor, AuditEvent.comment)
            .where(AuditEvent.instance_id == instance_id,
                   AuditEvent.actor.like("mgr-%")).order_by(AuditEvent.seq))]


def test_actions_need_a_reason_and_are_audited(world) -> None:
    case = start_cross_county(world)
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    task = world.task(case, "approve", org="CS-YL-JY")
    with session_scope(world.engine, write=True) as s:
        s.execute(update(HumanTask).where(HumanTask.id == task.id).values(claimed_by="op-x"))
    client = signed(world, "mgr-CS-YL", "2026-03-03T09:00")
    url = f"/cases/{case.id}"
    page = client.post(f"{url}/suspend", data={"reason": "  "}, follow_redirects=True)
    assert "请填写理由" in page.get_data(as_text=True)
    assert _audit(world, case.instance_id) == []
    client.post(f"{url}/suspend", data={"reason": "核查档案"})
    with session_scope(world.engine) as s:
        assert s.get(TransferCase, case.id).status == "suspended"
    client.post(f"{url}/resume", data={"reason": "核查完毕"})
    client.post(f"{url}/tasks/{task.id}/release", data={"reason": "经办人休假"})
    client.post(f"{url}/tasks/{task.id}/remind", data={"reason": "请抓紧审批"})
    unticked = client.post(f"{url}/cancel", data={"reason": "重复申请"}, follow_redirects=True)
    assert "请勾选确认取消" in unticked.get_data(as_text=True)  # no confirmation: refused
    assert signed(world, "mgr-HN-JG").post(f"{url}/cancel", data={
        "reason": "x"}).status_code == 403  # the policy first, then the confirmation
    assert signed(world, "mgr-HN-JG").post(f"{url}/cancel", data={
        "reason": "x", "confirm": "1"}).status_code == 403
    client.post(f"{url}/cancel", data={"reason": "重复申请", "confirm": "1"})
    assert _audit(world, case.instance_id) == [
        ("instance_suspended", "mgr-CS-YL", "核查档案"),
        ("instance_resumed", "mgr-CS-YL", "核查完毕"),
        ("task_released", "mgr-CS-YL", "经办人休假"),
        ("reminder_sent", "mgr-CS-YL", "请抓紧审批"),
        ("instance_cancelled", "mgr-CS-YL", "重复申请")]
    with session_scope(world.engine) as s:
        assert s.get(HumanTask, task.id).claimed_by is None
        assert s.get(TransferCase, case.id).status == "cancelled"
        assert s.get(Instance, case.instance_id).status == "cancelled"
        note = s.scalar(select(Notification).where(Notification.kind == "manager_reminder"))
        assert note.human_task_id == task.id and "请抓紧审批" in note.body
    text = client.get(url).get_data(as_text=True)
    assert "重复申请" in text and "释放认领" in text and f'action="{url}/suspend"' not in text


def test_revealing_the_full_id_number_is_audited(world, known) -> None:
    client = signed(world, "mgr-CS-YL")
    page = client.post(f"/cases/{known['A']}/reveal-id", data={"reason": "电话核实身份"})
    text = page.get_data(as_text=True)
    number = re.search(r'id="id-number">\s*(\d{17}[\dX])', text)
    assert number and "已记入审计日志" in text
    assert "电话核实身份" in client.get(f"/cases/{known['A']}").get_data(as_text=True)
    assert signed(world, "op-CS-YL").post(f"/cases/{known['A']}/reveal-id",
                                          data={"reason": "x"}).status_code == 403


def test_dashboard_drill_down_and_exports(world, known) -> None:
    client = signed(world, "mgr-CS-YL")
    page = client.get("/dashboard?from=2026-03-01&to=2026-03-31").get_data(as_text=True)
    assert "中共长沙市岳麓区委组织部" in page and 'id="late-cases">2<' in page
    links = re.findall(r'<a href="(/cases\?[^"]+)" class="drill-link">(\d+)</a>', page)
    assert links
    for href, number in links:
        listed = client.get(href.replace("&amp;", "&")).get_data(as_text=True)
        assert re.search(rf'id="case-total">{number}<', listed), href
    csv_text = client.get("/dashboard/export/late.csv?from=2026-03-01&to=2026-03-31"
                          "&org=CS-YL").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["排名", "党组织", "超期案件数"] and len(rows) == 3
    assert client.get("/dashboard/export/nope.csv").status_code == 404
    assert signed(world, "op-CS-YL").get("/dashboard").status_code == 403
    assert client.get("/dashboard?org=CS-YH").status_code == 403
    heat = client.get("/dashboard/heatmap")
    assert heat.status_code == 200 and "流程热力图" in heat.get_data(as_text=True)
    assert date(2026, 3, 1)  # the period above is March 2026
