"""逐级审批: each approver in order has 5 WD; a send-back returns to the previous level."""

from __future__ import annotations

from tools.bpmnbuild.dsl import End, Exclusive, Flow, Lane, Process, ScriptTask, Start, UserTask
from tools.procedures.common import MEMBER, reminder

LANE = Lane("approvers", "审批党组织")


def build() -> Process:
    """The shared approval sub-process (called by every procedure with approvers)."""
    a = LANE.id
    nodes = [
        Start("start", "开始审批", a),
        ScriptTask("first_level", "从第一级开始", a,
                   script="level = 0\napproval_outcome = 'pending'"),
        Exclusive("any_level", "是否需要审批", a, default="any_level__yes"),
        UserTask("approve", "逐级审批", a, assignee="route['approvers'][level]", form="approve",
                 deadline=5, stage="approving",
                 title=f"'审批（第' + str(level + 1) + '级）：' + {MEMBER}"),
        Exclusive("approve_decision", "审批结论", a, default="approve__yes"),
        ScriptTask("next_level", "转下一级", a, script="level = level + 1"),
        Exclusive("more_levels", "是否还有上级", a, default="more_levels__done"),
        Exclusive("is_first", "是否第一级", a, default="is_first__no"),
        ScriptTask("previous_level", "退回上一级", a, script="level = level - 1"),
        ScriptTask("approved", "审批通过", a, script="approval_outcome = 'approved'"),
        ScriptTask("back_to_initiator", "退回发起党委", a,
                   script="approval_outcome = 'back_to_initiator'"),
        End("end", "审批结束", a),
        End("end_back", "已退回", a),
    ]
    flows = [
        Flow("start", "first_level"),
        Flow("first_level", "any_level"),
        Flow("any_level", "approve", "有审批层级", id="any_level__yes"),
        Flow("any_level", "approved", "无需审批", "len(route['approvers']) == 0"),
        Flow("approve", "approve_decision"),
        Flow("approve_decision", "next_level", "同意", id="approve__yes"),
        Flow("approve_decision", "is_first", "退回上一步", "decision == 'send_back'"),
        Flow("next_level", "more_levels"),
        Flow("more_levels", "approve", "上一级审批", "level < len(route['approvers'])"),
        Flow("more_levels", "approved", "各级均已同意", id="more_levels__done"),
        Flow("is_first", "back_to_initiator", "第一级", "level == 0"),
        Flow("is_first", "previous_level", "退回上一级", id="is_first__no"),
        Flow("previous_level", "approve"),
        Flow("approved", "end"),
        Flow("back_to_initiator", "end_back"),
    ]
    more_nodes, more_flows = reminder("approve", a, 5)
    return Process("level_approval", "逐级审批", "逐级审批（第九条第三项）", [LANE],
                   nodes + more_nodes, flows + more_flows,
                   documentation="《办法》第九条（三）：各党组织逐级进行审批，未通过的，退回上一步"
                                 "重新审核办理；每一级线上审批时间原则上不超过5个工作日。")
