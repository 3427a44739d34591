"""The progress line of a case and its send-back history."""

from __future__ import annotations

from app.db import session_scope
from app.models import TransferCase
from app.services.progress import case_progress, route_levels, send_backs
from tests.procedures.conftest import World, at
from tests.procedures.test_intra_province import APPROVE, INITIATE, start_cross_county


def progress(world: World, case, when: str):
    with session_scope(world.engine) as s:
        return case_progress(s, s.get(TransferCase, case.id), at(when).now())


def line(steps) -> list[tuple[str, str | None, str]]:
    return [(s.label, s.org_code, s.state_label) for s in steps]


def test_intra_line_follows_the_levels(world: World) -> None:
    case = start_cross_county(world)
    steps = progress(world, case, "2026-03-02T11:00")
    assert line(steps) == [
        ("申请", "CS-YL-JY-P1-B1", "已提交"), ("发起", "CS-YL-JY-P1", "办理中"),
        ("第1级审批", "CS-YL-JY", "未开始"), ("第2级审批", "CS-YL", "未开始"),
        ("第3级审批", "CS-YH", "未开始"), ("档案审核（同步）", "CS-YH", "未开始"),
        ("接收", "CS-YH-P1", "未开始"), ("报到", "CS-YH-P1-B1", "未开始")]
    assert steps[1].org_name == "中共长沙市某中学委员会"
    assert (steps[1].used_days, steps[1].limit_days) == (0, 5)
    assert steps[5].parallel and not steps[4].parallel
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    world.do(case, "approve", "op-CS-YL-JY", "2026-03-04T10:00", APPROVE, org="CS-YL-JY")
    world.do(case, "approve", "op-CS-YL", "2026-03-05T10:00",
             {"decision": "send_back", "reason_code": "info_incorrect", "comment": "民族有误"},
             org="CS-YL")
    steps = progress(world, case, "2026-03-12T11:00")
    assert line(steps)[1:5] == [("发起", "CS-YL-JY-P1", "已发起"),
                                ("第1级审批", "CS-YL-JY", "办理中"),
                                ("第2级审批", "CS-YL", "已退回"),
                                ("第3级审批", "CS-YH", "未开始")]
    # level 1 reviews again since Thu 03-05 (5 WD used by Thu 03-12); level 2 took one
    assert (steps[2].used_days, steps[2].limit_days, steps[3].used_days) == (5, 5, 1)
    late = progress(world, case, "2026-03-13T11:00")
    assert line(late)[2] == ("第1级审批", "CS-YL-JY", "已超期")


def test_send_back_history_has_reason_labels(world: World) -> None:
    case = start_cross_county(world)
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00",
             {"decision": "send_back", "reason_code": "info_incomplete", "comment": "缺电话"})
    with session_scope(world.engine) as s:
        [back] = send_backs(s, s.get(TransferCase, case.id))
        steps = case_progress(s, s.get(TransferCase, case.id), at("2026-03-02T11:00").now())
    assert (back.org_name, back.step, back.decision_label, back.reason_label, back.comment) == (
        "中共长沙市某中学委员会", "发起审核", "退回", "信息填写不完整", "缺电话")
    assert line(steps)[:2] == [("申请", "CS-YL-JY-P1-B1", "待修改"),
                               ("发起", "CS-YL-JY-P1", "已退回")]


def test_levels_of_the_other_kinds() -> None:
    out = route_levels("out", {"initiator": "A", "approvers": ["B"], "issuer": "C"}, "X", None)
    assert [(x.label, x.org) for x in out] == [("申请", "X"), ("发起", "A"), ("第1级审批", "B"),
                                               ("开具介绍信", "C"), ("登记回执", "C")]
    incoming = route_levels("in", {"registrar": "R", "approvers": ["B"], "receiver": "C",
                                   "archive_reviewer": "B"}, "R", "T")
    assert [x.label for x in incoming] == ["登记介绍信", "第1级审批", "录入党员信息", "接收",
                                           "报到"]
    unit = route_levels("whole-unit", {"to": "N", "handler": "H"}, "P", "N")
    assert [(x.label, x.org) for x in unit] == [("申请", "P"), ("同意接收", "N"), ("审批", "H")]
    oos = route_levels("out-of-system", {"initiator": "A", "approvers": [], "handler": "H"},
                       "X", None)
    assert [x.label for x in oos] == ["申请", "发起", "转出办理"]
