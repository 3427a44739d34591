"""省外转入 (Art. 10(二)): a paper letter is registered and handled like an online transfer."""

from __future__ import annotations

from tools.bpmnbuild.dsl import CallActivity, Flow, Lane, Process, ServiceTask, Start, UserTask
from tools.procedures.common import (
    APPROVERS,
    ARCHIVE,
    RECEIVER,
    TARGET_BRANCH,
    approval,
    close,
    reminder,
    title,
)

REGISTRAR = Lane("initiator", "登记介绍信的党组织")


def build() -> Process:
    """The into-the-province procedure."""
    g, a, r = REGISTRAR.id, ARCHIVE.id, RECEIVER.id
    nodes: list = [
        Start("start", "登记纸质介绍信", g),
        ServiceTask("compute_route", "生成审批路径", g, operator="routing/compute",
                    result="route"),
    ]
    flows: list = [Flow("start", "compute_route"), Flow("compute_route", "approval")]
    part = approval("archive_entry", lane=g, with_branch=False)
    nodes += part[0]
    flows += part[1]
    nodes += [
        UserTask("archive_entry", "录入党员信息", a, assignee="route['archive_reviewer']",
                 form="archive_entry", deadline=15, title=title("录入党员信息"),
                 stage="approving"),
        ServiceTask("record_archive", "记录档案材料", a, operator="archive/record"),
        UserTask("receive", "接收", r, assignee="route['receiver']", form="receive",
                 deadline=15, title=title("接收"), stage="awaiting_receipt"),
        ServiceTask("land", "组织关系落地", r, operator="members/land"),
        ServiceTask("issue_receipt", "生成回执", r, operator="letters/receipt"),
        CallActivity("report_call", "党员报到", TARGET_BRANCH.id, called="report_in"),
    ]
    flows += [
        Flow("archive_entry", "record_archive"),
        Flow("record_archive", "receive"),
        Flow("receive", "land"),
        Flow("land", "issue_receipt"),
        Flow("issue_receipt", "report_call"),
        Flow("report_call", "complete"),
    ]
    for more in (reminder("archive_entry", a, 15), reminder("receive", r, 15),
                 close("refuse", "不予转接", g, "refused"),
                 close("complete", "转接完成", TARGET_BRANCH.id, "completed", terminate=False)):
        nodes += more[0]
        flows += more[1]
    return Process("cross_province_in", "省外转入", "省外转入（第十条第二项）",
                   [REGISTRAR, APPROVERS, ARCHIVE, RECEIVER, TARGET_BRANCH], nodes, flows,
                   documentation="《办法》第十条（二）：凭省外党组织开具的纸质介绍信，由负责接收的"
                                 "党组织按照网上转接流程办理；负责审核档案的党组织及时录入党员信息。")
