"""整建制转接 (Art. 6): the new parent agrees, the handler approves, the subtree moves."""

from __future__ import annotations

from tools.bpmnbuild.dsl import Exclusive, Flow, Lane, Process, ServiceTask, Start, UserTask
from tools.procedures.common import close, reminder

APPLICANT = Lane("applicant", "原上级党组织")
NEW_PARENT = Lane("new_parent", "拟接收的上级党组织")
HANDLER = Lane("handler", "负责办理的组织部门")
UNIT = "unit['name']"


def build() -> Process:
    """The whole-unit procedure; the unit's subtree is locked from application to the end."""
    p, n, h = APPLICANT.id, NEW_PARENT.id, HANDLER.id
    nodes: list = [
        Start("start", "提出整建制转接申请", p),
        ServiceTask("compute_route", "确定办理机关", p, operator="routing/compute",
                    result="route"),
        UserTask("agree", "同意接收", n, assignee="route['to']", form="agree_receive",
                 deadline=5, title=f"'同意接收：' + {UNIT}", stage="approving"),
        Exclusive("agree_decision", "是否同意", n, default="agree__yes"),
        UserTask("decide", "审批整建制转接", h, assignee="route['handler']",
                 form="handler_decision", deadline=5, title=f"'审批整建制转接：' + {UNIT}",
                 stage="approving"),
        Exclusive("decide_decision", "审批结论", h, default="decide__yes"),
        ServiceTask("move", "整建制转移", h, documentation="一并转移所属党组织，党员保留其党支部",
                    operator="orgs/move_subtree"),
    ]
    flows: list = [
        Flow("start", "compute_route"),
        Flow("compute_route", "agree"),
        Flow("agree", "agree_decision"),
        Flow("agree_decision", "decide", "同意", id="agree__yes"),
        Flow("agree_decision", "refuse", "不同意", "decision == 'refuse'"),
        Flow("decide", "decide_decision"),
        Flow("decide_decision", "move", "同意", id="decide__yes"),
        Flow("decide_decision", "refuse", "不同意", "decision == 'refuse'"),
        Flow("move", "complete"),
    ]
    for more in (reminder("agree", n, 5), reminder("decide", h, 5),
                 close("refuse", "不予办理", h, "refused"),
                 close("complete", "整建制转接完成", h, "completed")):
        nodes += more[0]
        flows += more[1]
    return Process("whole_unit", "整建制转接", "整建制转接（第六条）",
                   [APPLICANT, NEW_PARENT, HANDLER], nodes, flows,
                   documentation="《办法》第六条：跨市州、跨省直行业系统整建制转接由省委组织部办理；"
                                 "跨县市区、跨市州行业系统整建制转接由市州委组织部办理。")
