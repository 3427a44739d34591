"""转出省外 (Art. 10(一)) and 省外转入 (Art. 10(二)) with the paper letter and its receipt."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db import session_scope
from app.errors import NotAllowed
from app.models import Letter, Member
from tests.procedures.conftest import World

DEST = {"province": "广东省", "org_name": "中共广州市天河区委组织部",
        "address": "广州市天河区天河路1号"}


def start_out(world: World):
    """CS-YL-P1-B1 → out of the province: initiator CS-YL-P1, issuer CS-YL (Art. 4)."""
    case = world.start("2026-03-02T09:00", "sec-CS-YL-P1-B1", kind="out", member="M-YL",
                       destination=dict(DEST))
    world.do(case, "initiate", "op-CS-YL-P1", "2026-03-02T10:00", {"decision": "initiate"})
    return case


def letter_of(world: World, case) -> Letter:
    with session_scope(world.engine) as s:
        return s.scalar(select(Letter).where(Letter.case_id == case.id,
                                             Letter.kind == "transfer"))


def test_art10_out_letter_issued_and_receipt_registered(world: World) -> None:
    case = start_out(world)
    shown = world.show(case)
    assert shown["route"]["issuer"] == "CS-YL" and shown["status"] == "issuing_letter"
    letter = letter_of(world, case)
    assert (letter.serial, letter.year) == (1, 2026)
    assert letter.valid_until.isoformat() == "2026-04-01"
    assert letter.receipt_due.isoformat() == "2026-05-01"  # validity end + one month
    assert letter.data["to_province"] == "广东省" and letter.data["validity_days"] == 30
    world.do(case, "handover", "op-CS-YL", "2026-03-03T10:00",
             {"method": "post", "tracking_number": "SF1234567890", "handed_over_on": "2026-03-03"})
    member = world.member("M-YL")
    assert member.status == "out_province" and "回执待收" in member.status_note
    assert world.show(case)["status"] == "awaiting_letter_receipt"
    world.do(case, "receipt", "op-CS-YL", "2026-03-20T10:00",
             {"received_on": "2026-03-20", "receiving_org": "中共广州市天河区某街道工委"})
    shown = world.show(case)
    assert shown["status"] == "completed"
    assert shown["letters"][0]["receipt_received_on"] == "2026-03-20"
    assert letter_of(world, case).tracking_number == "SF1234567890"


def test_art10_out_receipt_overdue_three_times_then_a_manager_task(world: World) -> None:
    case = start_out(world)
    world.do(case, "handover", "op-CS-YL", "2026-03-03T10:00",
             {"method": "in_person", "handed_over_on": "2026-03-03"})
    world.fire("2026-04-30T23:00:00+08:00")
    assert [k for k, _ in world.notifications(case)] == []
    for month in ("05", "06", "07"):
        world.fire(f"2026-{month}-01T00:00:00+08:00")
        world.fire(f"2026-{month}-01T08:00:00+08:00")  # a second sweep sends nothing new
    reminders = [(k, o) for k, o in world.notifications(case) if k == "receipt_overdue"]
    assert reminders == [("receipt_overdue", "CS-YL")] * 3
    assert world.open_specs(case) == ["receipt"]
    world.fire("2026-08-01T00:00:00+08:00")
    assert len([k for k, _ in world.notifications(case) if k == "receipt_overdue"]) == 3
    assert world.open_specs(case) == ["followup", "receipt"]
    world.do(case, "followup", "mgr-CS-YL", "2026-08-03T10:00",
             {"comment": "已电话联系党员，督促其尽快办理转入"})
    world.do(case, "receipt", "op-CS-YL", "2026-08-10T10:00",
             {"received_on": "2026-08-10", "receiving_org": "中共广州市天河区某街道工委"})
    assert world.show(case)["status"] == "completed"


REGISTRATION = {
    "serial": "粤组转〔2026〕第 88 号", "issuing_org": "中共广州市天河区委组织部",
    "province": "广东省", "issued_on": "2026-02-25", "validity_days": 30,
    "reason": "工作调动", "contact_phone": "020-88888888",
    "member": {"name": "王五", "gender": "女", "ethnicity": "汉族",
               "birth_date": "1990-05-06", "id_number": "440106199005060026",
               "category": "full", "joined_on": "2015-07-01", "dues_paid_until": "2026-02",
               "phone": "13900000000"},
}


def test_art10_in_paper_letter_registered_received_and_reported(world: World) -> None:
    case = world.start("2026-03-02T09:00", "op-CS", kind="in", target_branch="CS-YL-P2-B1",
                       registration=dict(REGISTRATION), letter={})
    shown = world.show(case)
    assert shown["route"]["registrar"] == "CS" and shown["route"]["approvers"] == ["CS-YL"]
    world.do(case, "approve", "op-CS-YL", "2026-03-02T10:00", {"decision": "approve"})
    world.do(case, "archive_entry", "op-CS-YL", "2026-03-03T10:00",
             {"record_complete": True, "items_present": ["application", "full_member"]})
    world.do(case, "receive", "op-CS-YL-P2", "2026-03-04T10:00",
             {"target_branch": "CS-YL-P2-B1", "record_checked": True})
    with session_scope(world.engine) as s:
        member = s.scalar(select(Member).where(Member.id_number == "440106199005060026"))
        assert member is not None and member.name == "王五"
        receipt = s.scalar(select(Letter).where(Letter.case_id == case.id,
                                                Letter.kind == "receipt"))
        assert receipt.data["letter_serial"] == "粤组转〔2026〕第 88 号"
    world.do(case, "report", "sec-CS-YL-P2-B1", "2026-03-05T10:00",
             {"reported_on": "2026-03-05"})
    assert world.show(case)["status"] == "completed"


def test_art10_in_expired_letter_is_refused(world: World) -> None:
    expired = {**REGISTRATION, "issued_on": "2026-01-10"}
    with pytest.raises(NotAllowed, match="expired"):
        world.start("2026-03-02T09:00", "op-CS", kind="in", target_branch="CS-YL-P2-B1",
                    registration=expired, letter={})


def test_art10_in_entry_must_be_nationwide(world: World) -> None:
    with pytest.raises(NotAllowed, match=r"Art\. 10"):
        world.start("2026-03-02T09:00", "op-CS-YL-P1", kind="in",
                    target_branch="CS-YL-P2-B1", registration=dict(REGISTRATION), letter={})


def test_art10_the_issued_letter_prints_as_html_and_a_pdf_that_renders(world: World,
                                                                      tmp_path) -> None:
    import shutil
    import subprocess

    from app.services import letter_prints

    case = start_out(world)
    letter = letter_of(world, case)
    with session_scope(world.engine) as s:
        html = letter_prints.print_letter(s, letter.id, "html")
        pdf = letter_prints.print_letter(s, letter.id, "pdf")
        form = letter_prints.print_member_form(s, letter.id, "html")
    assert "存根" in html and "回执" in html and "〔2026〕第 1 号" in html and "叁拾" in html
    assert "党员基本信息采集表" in form
    assert pdf[:4] == b"%PDF"
    assert shutil.which("pdftotext"), "pdftotext missing: make install installs poppler-utils"
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "中共广州市天河区委组织部" in text and "党员组织关系介绍信" in text.replace(" ", "")
