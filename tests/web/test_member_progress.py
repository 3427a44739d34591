"""The members' progress lookup: case number and the last six characters of the
公民身份号码; the same answer for a wrong number and a wrong id; rate-limited."""

from __future__ import annotations

from sqlalchemy import select

from app import create_app
from app.db import session_scope
from app.models import Member
from tests.procedures.conftest import World


def _tail(world: World, code: str) -> str:
    with session_scope(world.engine) as s:
        return s.scalar(select(Member.id_number).where(Member.code == code))[-6:]


def test_lookup_shows_the_status_and_nothing_personal(world: World) -> None:
    case = world.start("2026-03-02T09:00", "sec-CS-YL-JY-P1-B1", kind="intra", member="M-JY",
                       target_branch="CS-YH-P1-B1")
    app = create_app({"database_url": world.settings.database_url, "TESTING": True,
                      "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    assert "案件编号" in client.get("/progress").get_data(as_text=True)
    found = client.post("/progress", data={"number": case.number.lower(),
                                           "id_tail": _tail(world, "M-JY")})
    page = found.get_data(as_text=True)
    assert found.status_code == 200 and "申请中" in page and "省内转接" in page
    assert "党***" in page and "党员JY" not in page
    assert _tail(world, "M-JY") not in page.replace(case.number, "")
    wrong_id = client.post("/progress", data={"number": case.number, "id_tail": "000000"})
    wrong_case = client.post("/progress", data={"number": "ZJ2026999999",
                                                "id_tail": _tail(world, "M-JY")})
    assert wrong_id.status_code == wrong_case.status_code == 404
    assert "未查询到" in wrong_id.get_data(as_text=True)


def test_lookup_is_rate_limited_per_address(world: World) -> None:
    app = create_app({"database_url": world.settings.database_url, "TESTING": True,
                      "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    for i in range(world.settings.progress_max_lookups_per_ip):
        answer = client.post("/progress", data={"number": f"ZJ20260000{i:02d}",
                                                "id_tail": "123456"})
        assert answer.status_code == 404
    limited = client.post("/progress", data={"number": "ZJ2026000001", "id_tail": "123456"})
    assert limited.status_code == 429 and "查询过于频繁" in limited.get_data(as_text=True)


def test_failed_lookups_of_one_case_are_limited_from_any_address(world: World) -> None:
    case = world.start("2026-03-02T09:00", "sec-CS-YL-JY-P1-B1", kind="intra", member="M-JY",
                       target_branch="CS-YH-P1-B1")
    app = create_app({"database_url": world.settings.database_url, "TESTING": True,
                      "WTF_CSRF_ENABLED": False})
    for i in range(5):
        app.test_client().post("/progress", data={"number": case.number, "id_tail": "99999X"},
                               environ_base={"REMOTE_ADDR": f"10.0.0.{i}"})
    right = app.test_client().post("/progress", data={"number": case.number,
                                                      "id_tail": _tail(world, "M-JY")},
                                   environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert right.status_code == 429
