"""报到 (Art. 15): report within 15 WD of landing; urge after 3 months; then handling."""

from __future__ import annotations

from tools.bpmnbuild.dsl import (
    Boundary,
    End,
    Exclusive,
    Flow,
    Process,
    ServiceTask,
    Start,
    UserTask,
)
from tools.procedures.common import TARGET_BRANCH, reminder, title


def build() -> Process:
    """The report sub-process, called after 落地 by the intra and incoming procedures."""
    b = TARGET_BRANCH.id
    nodes = [
        Start("start", "组织关系已落地", b),
        UserTask("report", "报到登记", b, assignee="target_branch", role="branch_secretary",
                 form="report", deadline=15, title=title("报到登记"), stage="awaiting_report"),
        Boundary("three_months", "三个月未报到", b, attached_to="report", kind="timeDuration",
                 expression="'P3M'", interrupting=True),
        UserTask("urge", "督促报到、批评教育", b, assignee="target_branch",
                 role="branch_secretary", form="urge", deadline=15, title=title("督促报到"),
                 stage="awaiting_report"),
        Exclusive("urge_outcome", "督促结果", b, default="urge__reported"),
        UserTask("handling", "组织处理", b, assignee="target_branch", role="branch_secretary",
                 form="handling", deadline=15, title=title("组织处理"), stage="awaiting_report"),
        ServiceTask("record_report", "记录报到", b, operator="case/reported",
                    params={"handled": "False"}),
        ServiceTask("record_handling", "记录组织处理", b, operator="case/reported",
                    params={"handled": "True"}),
        End("end", "报到完成", b),
        End("end_handled", "已作组织处理", b),
    ]
    flows = [
        Flow("start", "report"),
        Flow("report", "record_report"),
        Flow("record_report", "end"),
        Flow("three_months", "urge"),
        Flow("urge", "urge_outcome"),
        Flow("urge_outcome", "record_report", "已报到", id="urge__reported"),
        Flow("urge_outcome", "handling", "拒不报到", "outcome == 'refuses'"),
        Flow("handling", "record_handling"),
        Flow("record_handling", "end_handled"),
    ]
    more_nodes, more_flows = reminder("report", b, 15, superior=False)
    return Process("report_in", "党员报到", "党员报到（第十五条）", [TARGET_BRANCH],
                   nodes + more_nodes, flows + more_flows,
                   documentation="《办法》第十五条：党员组织关系落地后，党员要在15个工作日内报到；"
                                 "3个月内未报到的，党支部要督促其报到并严肃批评教育，经教育后仍拒不"
                                 "报到的按有关规定进行组织处理。")
