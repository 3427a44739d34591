"""省内转接 (Art. 9): initiation, level-by-level approval, archive review, receipt, report."""

from __future__ import annotations

from tools.bpmnbuild.dsl import (
    CallActivity,
    Exclusive,
    Flow,
    MultiInstance,
    Parallel,
    Process,
    ScriptTask,
    ServiceTask,
    Start,
    UserTask,
)
from tools.procedures.common import (
    APPROVERS,
    ARCHIVE,
    BRANCH,
    INITIATOR,
    RECEIVER,
    TARGET_BRANCH,
    approval,
    close,
    initiation,
    reminder,
    title,
)


def _archive() -> tuple[list, list]:
    """Archive review in parallel; a problem goes back level by level to the initiator."""
    a, i = ARCHIVE.id, INITIATOR.id
    nodes = [
        UserTask("archive_review", "档案审核", a, assignee="route['archive_reviewer']",
                 form="archive_review", deadline=15, title=title("档案审核")),
        ServiceTask("record_archive", "记录审核结果", a, operator="archive/record"),
        Exclusive("archive_result", "审核结果", a, default="archive__pass"),
        UserTask("archive_return", "档案问题逐级退回", APPROVERS.id, assignee="back_level",
                 form="archive_return", deadline=5, title=title("档案问题退回"),
                 stage="archive_verifying",
                 post_script="back_done = back_level",
                 multi_instance=MultiInstance("archive_return_path", "back_level",
                                              output_collection="archive_returned",
                                              output_element="back_done")),
        # the output collection is reset: the return may run again after a later problem
        ScriptTask("prepare_return", "确定退回路径", a,
                   script="archive_return_path = route['archive_return_path']\n"
                          "archive_returned = []"),
        UserTask("verify", "核实处理", i, assignee="route['initiator']", form="verify",
                 deadline=15, title=title("核实档案问题"), stage="archive_verifying"),
        Exclusive("verify_decision", "核实结论", i, default="verify__resolved"),
    ]
    flows = [
        Flow("archive_review", "record_archive"),
        Flow("record_archive", "archive_result"),
        Flow("archive_result", "archive_done_join", "审核通过", id="archive__pass"),
        Flow("archive_result", "prepare_return", "发现问题", "result == 'problem'"),
        Flow("prepare_return", "archive_return"),
        Flow("archive_return", "verify"),
        Flow("verify", "verify_decision"),
        Flow("verify_decision", "archive_review", "已解决，重新审核", id="verify__resolved"),
        Flow("verify_decision", "terminate", "作出处理，终止转接", "decision == 'close'"),
    ]
    for task, lane, days in (("archive_review", a, 15), ("archive_return", APPROVERS.id, 5),
                             ("verify", i, 15)):
        more_nodes, more_flows = reminder(task, lane, days)
        nodes += more_nodes
        flows += more_flows
    end_nodes, end_flows = close("terminate", "终止转接", i, "terminated")
    return nodes + end_nodes, flows + end_flows


def build() -> Process:
    """The intra-province procedure."""
    r = RECEIVER.id
    nodes: list = [Start("start", "党支部提交申请", BRANCH.id)]
    flows: list = [Flow("start", "compute_route")]
    for part in (initiation("split"), approval("archive_done_join"), _archive()):
        nodes += part[0]
        flows += part[1]
    nodes += [
        Parallel("split", "同步开展", INITIATOR.id),
        Parallel("archive_done_join", "审批与档案审核均完成", r),
        UserTask("receive", "接收", r, assignee="route['receiver']", form="receive",
                 deadline=15, title=title("接收"), stage="awaiting_receipt"),
        ServiceTask("land", "组织关系落地", r, operator="members/land"),
        CallActivity("report_call", "党员报到", TARGET_BRANCH.id, called="report_in"),
    ]
    flows += [
        Flow("split", "approval"),
        Flow("split", "archive_review"),
        Flow("archive_done_join", "receive"),
        Flow("receive", "land"),
        Flow("land", "report_call"),
        Flow("report_call", "complete"),
    ]
    more_nodes, more_flows = reminder("receive", r, 15)
    done_nodes, done_flows = close("complete", "转接完成", TARGET_BRANCH.id, "completed",
                                   terminate=False)
    nodes += more_nodes + done_nodes
    flows += more_flows + done_flows
    return Process("intra_province", "省内转接", "省内转接党员组织关系（第九条）",
                   [BRANCH, INITIATOR, APPROVERS, ARCHIVE, RECEIVER, TARGET_BRANCH],
                   nodes, flows,
                   documentation="《办法》第九条：申请、发起、逐级审批（同步线下审核档案）、接收；"
                                 "第十五条：报到。")
