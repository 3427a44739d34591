"""Pieces shared by the procedures: lanes, overdue reminders, the initiator's review."""

from __future__ import annotations

from tools.bpmnbuild.dsl import (
    Boundary,
    CallActivity,
    End,
    Exclusive,
    Flow,
    Lane,
    Node,
    ServiceTask,
    UserTask,
)

BRANCH = Lane("branch", "党支部")
INITIATOR = Lane("initiator", "发起党委")
APPROVERS = Lane("approvers", "审批党组织")
ARCHIVE = Lane("archive", "档案审核党组织")
RECEIVER = Lane("receiver", "接收党委")
TARGET_BRANCH = Lane("target_branch", "目标党支部")

MEMBER = "member['name']"


def title(label: str) -> str:
    """A task title expression: the step and the member, e.g. 发起审核：张三."""
    return f"'{label}：' + {MEMBER}"


def reminder(task: str, lane: str, working_days: int, superior: bool = True,
             col: int | None = None) -> tuple[list[Node], list[Flow]]:
    """A non-interrupting working-day timer on *task* that reminds its level (and superior)."""
    nodes: list[Node] = [
        Boundary(f"{task}_due", "时限届满", lane, attached_to=task,
                 expression=f"deadline(working_days={working_days})", interrupting=False),
        ServiceTask(f"{task}_remind", "超期提醒", lane, col=col, operator="notify/overdue",
                    params={"task": f"'{task}'", "superior": str(superior)}),
        End(f"{task}_reminded", "已提醒", lane),
    ]
    flows = [Flow(f"{task}_due", f"{task}_remind"), Flow(f"{task}_remind", f"{task}_reminded")]
    return nodes, flows


def close(node_id: str, label: str, lane: str, status: str, terminate: bool = True,
          end_label: str | None = None) -> tuple[list[Node], list[Flow]]:
    """Record the case's outcome and end (every branch, when *terminate*)."""
    nodes: list[Node] = [
        ServiceTask(node_id, label, lane, operator="case/close",
                    params={"status": f"'{status}'"}),
        End(f"{node_id}_end", end_label or label, lane, terminate=terminate),
    ]
    return nodes, [Flow(node_id, f"{node_id}_end")]


def initiation(next_node: str) -> tuple[list[Node], list[Flow]]:
    """Route computation, the initiator's review (5 WD), the branch's corrections, refusal.

    Ends by flowing to *next_node* when the initiator initiates.
    """
    nodes: list[Node] = [
        ServiceTask("compute_route", "生成审批路径", INITIATOR.id, operator="routing/compute",
                    result="route"),
        UserTask("initiate", "发起审核", INITIATOR.id, assignee="route['initiator']",
                 form="initiate_review", deadline=5, title=title("发起审核"), stage="applying"),
        Exclusive("initiate_decision", "审核结论", INITIATOR.id, default="initiate__ok"),
        UserTask("correct", "修改申请", BRANCH.id, assignee="branch", role="branch_secretary",
                 form="correct_letter", title=title("修改申请"), stage="sent_back"),
    ]
    flows = [
        Flow("compute_route", "initiate"),
        Flow("initiate", "initiate_decision"),
        Flow("initiate_decision", next_node, "发起转接", id="initiate__ok"),
        Flow("initiate_decision", "correct", "退回党支部", "decision == 'send_back'"),
        Flow("initiate_decision", "refuse", "不予转接", "decision == 'refuse'"),
        Flow("correct", "initiate"),
    ]
    more_nodes, more_flows = reminder("initiate", INITIATOR.id, 5)
    refuse_nodes, refuse_flows = close("refuse", "不予转接", INITIATOR.id, "refused")
    return nodes + more_nodes + refuse_nodes, flows + more_flows + refuse_flows


def approval(after: str, lane: str = INITIATOR.id,
             with_branch: bool = True) -> tuple[list[Node], list[Flow]]:
    """Level-by-level approval (call activity) with the initiator's recheck on a send-back.

    Ends by flowing to *after* once every level approved. Without a branch (a paper letter
    from outside), the recheck cannot send the application back to one.
    """
    nodes: list[Node] = [
        CallActivity("approval", "逐级审批", APPROVERS.id, called="level_approval"),
        Exclusive("approval_outcome_gw", "审批结果", APPROVERS.id, default="approval__ok"),
        UserTask("recheck", "重新审核（被退回）", lane, assignee="route['initiator']",
                 form="recheck" if with_branch else "recheck_registered", deadline=5,
                 title=title("重新审核"), stage="sent_back"),
        Exclusive("recheck_decision", "审核结论", lane, default="recheck__again"),
    ]
    flows = [
        Flow("approval", "approval_outcome_gw"),
        Flow("approval_outcome_gw", after, "逐级审批通过", id="approval__ok"),
        Flow("approval_outcome_gw", "recheck", "退回发起党委",
             "approval_outcome == 'back_to_initiator'"),
        Flow("recheck", "recheck_decision"),
        Flow("recheck_decision", "approval", "重新报送", id="recheck__again"),
        Flow("recheck_decision", "refuse", "不予转接", "decision == 'refuse'"),
    ]
    if with_branch:
        nodes.append(UserTask("correct_again", "修改申请", BRANCH.id, assignee="branch",
                              role="branch_secretary", form="correct_letter",
                              title=title("修改申请"), stage="sent_back"))
        flows += [Flow("recheck_decision", "correct_again", "退回党支部",
                       "decision == 'send_back'"),
                  Flow("correct_again", "recheck")]
    more_nodes, more_flows = reminder("recheck", lane, 5)
    return nodes + more_nodes, flows + more_flows
