"""转往系统外 (Art. 12): the member goes to a special unit; the record is kept, never deleted."""

from __future__ import annotations

from tools.bpmnbuild.dsl import Flow, Lane, Process, ServiceTask, Start, UserTask
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

HANDLER = Lane("handler", "办理转出的组织部门")


def build() -> Process:
    """The out-of-system procedure."""
    h = HANDLER.id
    nodes: list = [Start("start", "党支部提交申请", BRANCH.id)]
    flows: list = [Flow("start", "compute_route")]
    for part in (initiation("approval"), approval("record_destination")):
        nodes += part[0]
        flows += part[1]
    nodes += [
        UserTask("record_destination", "登记去向", h, assignee="route['handler']",
                 form="destination", deadline=5, title=title("登记去向"), stage="approving"),
        ServiceTask("mark_out", "转往系统外", h,
                    documentation="标记党员已转往系统外，永久保留党员记录",
                    operator="members/mark_out_of_system"),
    ]
    flows += [Flow("record_destination", "mark_out"), Flow("mark_out", "complete")]
    for more in (reminder("record_destination", h, 5),
                 close("complete", "已转往系统外", h, "out_of_system")):
        nodes += more[0]
        flows += more[1]
    return Process("out_of_system", "转往系统外", "转往系统外（第十二条）",
                   [BRANCH, INITIATOR, APPROVERS, HANDLER], nodes, flows,
                   documentation="《办法》第十二条：转往没有使用全国党员管理信息系统的特殊单位的，"
                                 "应当采取将该党员转往系统外的方式处理，不能直接删除。")
