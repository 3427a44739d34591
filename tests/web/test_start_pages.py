"""发起转接: the application with its route preview, paper letters from outside, whole units."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.db import session_scope
from app.models import TransferCase
from tests.procedures.conftest import World, at
from tests.procedures.test_paper_letters import REGISTRATION
from tests.web.conftest import sign_in

APPLICATION = {"member": "M-JY", "kind": "intra", "target_branch": "侯家塘街道机关党支部",
               "reason": "工作调动", "contact_phone": "0731-88888888", "validity_days": "30",
               "archive_handling": "with_letter"}


def cases(world: World) -> list[TransferCase]:
    with session_scope(world.engine) as s:
        return list(s.scalars(select(TransferCase).order_by(TransferCase.id)))


def beside(page: str, field: str, message: str) -> bool:
    """*message* is the error shown inside the field *field*."""
    pattern = rf'data-field="{re.escape(field)}".*?class="field-error"[^>]*>{re.escape(message)}'
    return re.search(pattern, page, re.S) is not None


def test_the_branch_secretary_sees_the_route_before_submitting(app, client, world) -> None:
    app.config["CLOCK"] = at("2026-03-02T09:00")
    sign_in(client, "sec-CS-YL-JY-P1-B1")
    assert client.get("/start").headers["Location"].endswith("/start/member")
    form = client.get("/start/member").get_data(as_text=True)
    member = world.member("M-JY")
    assert "党员JY" in form and member.id_number not in form
    preview = client.post("/start/member", data=APPLICATION)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "确认转接路径" in page
    for name in ("中共长沙市某中学委员会", "中共长沙市岳麓区委教育工作委员会",
                 "中共长沙市岳麓区委组织部", "中共长沙市雨花区委组织部",
                 "中共长沙市雨花区侯家塘街道工作委员会", "侯家塘街道机关党支部"):
        assert name in page
    assert "第3级审批" in page and "时限 5 个工作日" in page and "档案审核（同步）" in page
    assert cases(world) == []  # a preview writes nothing
    done = client.post("/start/member", data={**APPLICATION, "target_branch": "CS-YH-P1-B1",
                                              "confirmed": "1"})
    assert done.status_code == 302 and "tab=unfinished" in done.headers["Location"]
    [case] = cases(world)
    assert case.kind == "intra" and case.route["approvers"] == ["CS-YL-JY", "CS-YL", "CS-YH"]
    assert case.number in client.get("/inbox?tab=unfinished").get_data(as_text=True)


def test_missing_fields_are_named_beside_them_and_nothing_is_written(client, world) -> None:
    sign_in(client, "sec-CS-YL-JY-P1-B1")
    response = client.post("/start/member", data={"member": "M-JY", "kind": "intra",
                                                   "target_branch": "", "reason": "",
                                                   "contact_phone": "", "validity_days": "120"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert beside(page, "reason", "请填写转接原因")
    assert beside(page, "contact_phone", "请填写联系电话")
    assert beside(page, "validity_days", "有效期应为1至90天")
    assert beside(page, "target_branch", "请填写党支部的名称或编码")
    assert 'value="120"' in page and cases(world) == []


def test_refusals_of_the_route_and_the_member_are_said_in_chinese(client, world) -> None:
    sign_in(client, "sec-CS-YL-JY-P1-B1")
    same = client.post("/start/member", data={**APPLICATION, "target_branch": "CS-YL-JY-P1-B1"})
    assert same.status_code == 422
    assert beside(same.get_data(as_text=True), "target_branch",
                  "转入党支部与党员现所在党支部相同（第九条）。")
    unknown = client.post("/start/member", data={**APPLICATION, "target_branch": "无此支部"})
    assert beside(unknown.get_data(as_text=True), "target_branch",
                  "未找到党支部“无此支部”，请检查名称或编码")
    world.start("2026-03-02T09:00", "sec-CS-YL-JY-P1-B1", kind="intra", member="M-JY",
                target_branch="CS-YH-P1-B1")
    again = client.post("/start/member", data=APPLICATION).get_data(as_text=True)
    assert re.search(r"该党员已有正在办理的转接案件 ZJ\d+，办结前不能再次申请。", again)
    form = client.get("/start/member").get_data(as_text=True)
    assert re.search(r'<option value="M-JY" disabled>', form)
    other = client.post("/start/member", data={**APPLICATION, "member": "M-YH"})
    assert other.status_code == 403
    assert "只能为本党支部的党员申请转接。" in other.get_data(as_text=True)
    assert len(cases(world)) == 1


def test_out_of_the_province_needs_the_destination(client, world) -> None:
    sign_in(client, "sec-CS-YL-P1-B1")
    data = {**APPLICATION, "member": "M-YL", "kind": "out", "target_branch": ""}
    page = client.post("/start/member", data=data).get_data(as_text=True)
    assert beside(page, "dest_province", "请填写转往省份")
    assert beside(page, "dest_org_name", "请填写转往党组织")
    ok = client.post("/start/member", data={**data, "dest_province": "广东省",
                                            "dest_org_name": "中共广州市天河区委组织部"})
    page = ok.get_data(as_text=True)
    assert ok.status_code == 200 and "开具介绍信" in page and "中共长沙市岳麓区委组织部" in page


def test_branch_suggestions(client, world) -> None:
    sign_in(client, "sec-CS-YL-JY-P1-B1")
    found = client.get("/start/orgs.json?q=侯家塘").get_json()["results"]
    assert found == [{"code": "CS-YH-P1-B1", "name": "侯家塘街道机关党支部",
                      "parent": "中共长沙市雨花区侯家塘街道工作委员会"}]
    assert client.get("/start/orgs.json?q=cs-yh-p1-b").get_json()["results"][0]["code"] == \
        "CS-YH-P1-B1"
    parents = client.get("/start/orgs.json?q=莲花镇&kind=parent").get_json()["results"]
    assert [p["code"] for p in parents] == ["CS-YL-P2"]


def registration_form(**changes: str) -> dict[str, str]:
    data = {k: str(v) for k, v in REGISTRATION.items() if k != "member"}
    data.update({f"member.{k}": str(v) for k, v in REGISTRATION["member"].items()})
    data["target_branch"] = "CS-YL-P2-B1"
    data.update(changes)
    return data


def test_a_nationwide_operator_registers_a_paper_letter(app, client, world) -> None:
    app.config["CLOCK"] = at("2026-03-02T09:00")
    sign_in(client, "op-CS")
    page = client.get("/start").get_data(as_text=True)
    assert 'href="/start/incoming"' in page and 'href="/start/whole-unit"' in page
    expired = client.post("/start/incoming", data=registration_form(issued_on="2026-01-10"))
    assert beside(expired.get_data(as_text=True), "issued_on",
                  "介绍信已于2026年2月9日过期，不予登记（第十条）。")
    bad = client.post("/start/incoming", data=registration_form(**{"member.id_number": "123"}))
    assert beside(bad.get_data(as_text=True), "member.id_number",
                  "公民身份号码无效：应为18位，前17位为数字，末位为数字或X")
    preview = client.post("/start/incoming", data=registration_form()).get_data(as_text=True)
    assert "登记介绍信" in preview and "4401**********0026" in preview
    assert "440106199005060026" in preview  # carried in a hidden field, not shown
    client.post("/start/incoming", data={**registration_form(), "confirmed": "1"})
    [case] = cases(world)
    assert case.kind == "in" and case.route["approvers"] == ["CS-YL"]


def test_a_committee_may_not_register_paper_letters(app, client, world) -> None:
    app.config["CLOCK"] = at("2026-03-02T09:00")
    sign_in(client, "op-CS-YL-P1")
    assert 'href="/start/incoming"' not in client.get("/start").get_data(as_text=True)
    page = client.get("/start/incoming").get_data(as_text=True)
    assert "本组织不具有全国转接权限" in page
    refused = client.post("/start/incoming", data=registration_form())
    assert "须开具给具有全国转接权限的党组织" in refused.get_data(as_text=True)
    assert cases(world) == []


def test_whole_unit_by_the_parent_with_its_handler(client, world) -> None:
    sign_in(client, "op-CS-YL-P1")
    form = client.get("/start/whole-unit").get_data(as_text=True)
    assert 'value="CS-YL-P1-V"' in form
    data = {"unit": "CS-YL-P1-V", "new_parent": "CS-YL-P2 中共长沙市岳麓区莲花镇委员会"}
    preview = client.post("/start/whole-unit", data=data).get_data(as_text=True)
    assert "同意接收" in preview and "中共长沙市岳麓区委组织部" in preview
    client.post("/start/whole-unit", data={**data, "confirmed": "1"})
    [case] = cases(world)
    assert case.kind == "whole-unit" and case.route["handler"] == "CS-YL"


def test_only_the_parent_may_move_a_unit_and_secretaries_register_nothing(client, world) -> None:
    sign_in(client, "op-CS-YL-P2")
    refused = client.post("/start/whole-unit", data={"unit": "CS-YL-P1-V",
                                                     "new_parent": "CS-YL-P2"})
    assert refused.status_code == 403
    assert beside(refused.get_data(as_text=True), "unit",
                  "只有该单位的上级党组织可以申请整建制转接（第六条）。")
    client.post("/logout")
    sign_in(client, "sec-CS-YL-P1-B1")
    assert client.get("/start/incoming").status_code == 403
    assert client.get("/start/whole-unit").status_code == 403
    with session_scope(world.engine) as s:
        assert s.scalar(select(func.count()).select_from(TransferCase)) == 0
