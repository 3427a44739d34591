"""转出省外 (Art. 10(一)): approvals up to the issuer, the paper letter, its receipt."""

from __future__ import annotations

from tools.bpmnbuild.dsl import Boundary, End, Flow, Lane, Process, ServiceTask, Start, UserTask
from tools.procedures.common import (
    APPROVERS,
    BRANCH,
    INITIATOR,
    approval,
    close,
    initiation,
    reminder,
    title,
)

ISSUER = Lane("issuer", "开具介绍信的党组织")
MANAGER = Lane("manager", "组织部门")


def build() -> Process:
    """The out-of-province procedure."""
    s = ISSUER.id
    nodes: list = [Start("start", "党支部提交申请", BRANCH.id)]
    flows: list = [Flow("start", "compute_route")]
    for part in (initiation("approval"), approval("issue_letter")):
        nodes += part[0]
        flows += part[1]
    nodes += [
        ServiceTask("issue_letter", "生成纸质介绍信", s, operator="letters/issue",
                    result="letter_issued"),
        UserTask("handover", "打印盖章并交付介绍信", s, assignee="route['issuer']",
                 form="handover", deadline=5, title=title("交付介绍信"), stage="issuing_letter"),
        ServiceTask("record_handover", "记录交付情况", s, operator="letters/handed_over"),
        ServiceTask("mark_out", "标记已转出省外", s, operator="members/mark_out_province"),
        UserTask("receipt", "登记回执", s, assignee="route['issuer']", form="receipt",
                 title=title("登记回执"), stage="awaiting_letter_receipt"),
        Boundary("receipt_overdue", "回执逾期（每月）", s, attached_to="receipt",
                 kind="timeCycle", expression="'R3/' + letter_issued['receipt_due_at'] + '/P1M'"),
        ServiceTask("urge_member", "提醒督促党员", s, operator="notify/receipt_overdue"),
        End("urged", "已提醒", s),
        Boundary("receipt_lost", "回执逾期三个月", s, attached_to="receipt",
                 expression="letter_issued['receipt_escalate_at']"),
        UserTask("followup", "回执超期处理", MANAGER.id, assignee="route['issuer']",
                 role="manager", form="receipt_followup", deadline=15,
                 title=title("回执超期处理"), stage="awaiting_letter_receipt"),
        End("followed_up", "已处理", MANAGER.id),
        ServiceTask("record_receipt", "记录回执", s, operator="letters/receipt_received"),
    ]
    flows += [
        Flow("issue_letter", "handover"),
        Flow("handover", "record_handover"),
        Flow("record_handover", "mark_out"),
        Flow("mark_out", "receipt"),
        Flow("receipt", "record_receipt"),
        Flow("record_receipt", "complete"),
        Flow("receipt_overdue", "urge_member"),
        Flow("urge_member", "urged"),
        Flow("receipt_lost", "followup"),
        Flow("followup", "followed_up"),
    ]
    for part in (reminder("handover", s, 5), close("complete", "转出完成", s, "completed")):
        nodes += part[0]
        flows += part[1]
    return Process("cross_province_out", "转出省外", "转出省外（第十条第一项）",
                   [BRANCH, INITIATOR, APPROVERS, ISSUER, MANAGER], nodes, flows,
                   documentation="《办法》第十条（一）：经网上转至具有全国范围直接转接权限的党组织，"
                                 "打印纸质介绍信和党员基本信息采集表，加盖公章后交党员携带或转递，"
                                 "并督促党员及时转入目标党组织。")
