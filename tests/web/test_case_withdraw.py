"""Withdrawing a case from its page (issue 6, item 5): the initiator, before 落地, with a reason."""

from __future__ import annotations

from tests.procedures.conftest import World
from tests.web.conftest import sign_in


def test_initiator_withdraws_from_the_case_page(client, world: World) -> None:
    case = world.start("2026-03-02T09:00", "sec-CS-YL-P1-B1", kind="intra", member="M-YL",
                       target_branch="CS-YH-P1-B1")
    sign_in(client, "op-CS-YL-P1")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "撤销转接" in page
    empty = client.post(f"/cases/{case.id}/withdraw", data={"reason": "  "})
    assert empty.status_code == 422 and "请写明撤销理由" in empty.get_data(as_text=True)
    assert world.show(case)["status"] == "applying"
    done = client.post(f"/cases/{case.id}/withdraw", data={"reason": "党员工作调动取消"},
                       follow_redirects=True)
    assert "已撤销" in done.get_data(as_text=True)
    assert world.show(case)["status"] == "withdrawn"


def test_others_cannot_withdraw(client, world: World) -> None:
    case = world.start("2026-03-02T09:00", "sec-CS-YL-P1-B1", kind="intra", member="M-YL",
                       target_branch="CS-YH-P1-B1")
    sign_in(client, "op-CS-YH-P1")  # the receiver sees the case but did not initiate it
    assert "撤销转接" not in client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert client.post(f"/cases/{case.id}/withdraw", data={"reason": "x"}).status_code == 403
    assert world.show(case)["status"] == "applying"
