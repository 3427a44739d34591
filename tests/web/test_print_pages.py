"""Print pages and PDFs of the paper letter and the member form, for those who see the case."""

from __future__ import annotations

from sqlalchemy import select

from app.db import session_scope
from app.models import HumanTask
from tests.procedures.conftest import World
from tests.procedures.test_paper_letters import letter_of, start_out
from tests.web.conftest import sign_in


def test_the_issuer_prints_the_letter_and_the_member_form(client, world: World) -> None:
    case = start_out(world)
    letter = letter_of(world, case)
    task = world.task(case, "handover")
    sign_in(client, "op-CS-YL")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    for url in (f"/letters/{letter.id}/print", f"/letters/{letter.id}.pdf",
                f"/letters/{letter.id}/member-form", f"/letters/{letter.id}/member-form.pdf"):
        assert f'href="{url}"' in page
    html = client.get(f"/letters/{letter.id}/print")
    text = html.get_data(as_text=True)
    assert html.status_code == 200 and "存根" in text and "回执" in text and "叁拾" in text
    csp = html.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    pdf = client.get(f"/letters/{letter.id}.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data[:4] == b"%PDF"
    assert "attachment" in pdf.headers["Content-Disposition"]
    form = client.get(f"/letters/{letter.id}/member-form").get_data(as_text=True)
    assert "党员基本信息采集表" in form
    assert client.get(f"/letters/{letter.id}/member-form.pdf").data[:4] == b"%PDF"


def test_other_organisations_may_not_print(client, world: World) -> None:
    case = start_out(world)
    letter = letter_of(world, case)
    sign_in(client, "op-CS-YH")
    assert client.get(f"/letters/{letter.id}/print").status_code == 403
    assert client.get(f"/letters/{letter.id}.pdf").status_code == 403
    assert client.get("/letters/999999/print").status_code == 404



def test_only_the_issuer_prints_what_carries_the_full_id_number(client, world: World) -> None:
    """The letter and the 采集表 show the full 公民身份号码: the initiator, the applying
    branch and the managers see the case, not the print (app.policy.require_print_letter)."""
    case = start_out(world)
    letter = letter_of(world, case)
    for user in ("op-CS-YL-P1", "sec-CS-YL-P1-B1", "mgr-CS-YL"):
        sign_in(client, user)
        assert client.get(f"/letters/{letter.id}/print").status_code == 403, user
        assert client.get(f"/letters/{letter.id}/member-form.pdf").status_code == 403, user
        client.post("/logout")
    with session_scope(world.engine) as s:
        initiated = s.scalar(select(HumanTask.id).where(
            HumanTask.instance_id == case.instance_id, HumanTask.task_spec == "initiate"))
    sign_in(client, "op-CS-YL-P1")
    page = client.get(f"/tasks/{initiated}").get_data(as_text=True)
    assert "纸质介绍信" in page and "由开具介绍信的党组织打印" in page
    assert f"/letters/{letter.id}/print" not in page
