"""Small procedures written in the bpmnbuild vocabulary, for the compiler's tests.

``transfer`` has five lanes, a send-back to another lane, a parallel split and join, a
sequential multi-instance approval, an archive rejection loop, a non-interrupting and an
interrupting boundary timer, a call activity and terminate ends. ``report`` is the process
it calls (an intermediate timer and a script). ``single`` is the smallest process.
"""

from __future__ import annotations

from tools.bpmnbuild.dsl import (
    Boundary,
    CallActivity,
    End,
    Exclusive,
    Flow,
    Lane,
    MultiInstance,
    Node,
    Parallel,
    Process,
    ScriptTask,
    ServiceTask,
    Start,
    TimerCatch,
    UserTask,
)

OPERATORS = ("test/notify", "test/move")
FORMS = ("decision",)


def _transfer_nodes() -> list[Node]:
    return [
        Start("start", "提出申请", "branch"),
        UserTask("apply", "填写电子介绍信", "branch", assignee="branch_org",
                 role="branch_secretary", title='"填写介绍信：" + member_name',
                 documentation="党支部填写电子介绍信。"),
        UserTask("initiate", "发起审核", "initiator", assignee="initiator_org", form="decision",
                 deadline=5, stage="initiate"),
        Exclusive("initiated", "是否发起？", "initiator", default="to_refused"),
        End("refused", "不予转接", "initiator", terminate=True),
        Parallel("split", "", "initiator"),
        UserTask("approve", "逐级审批", "approving", assignee="level", form="decision",
                 deadline=5, title='"审批：" + level', post_script="level_done = level",
                 multi_instance=MultiInstance("approvers", "level", output_collection="approved",
                                              output_element="level_done")),
        Boundary("remind", "超过5个工作日", "", attached_to="approve",
                 expression="deadline(working_days=5)"),
        ServiceTask("notify", "提醒上级", "approving", operator="test/notify",
                    params={"what": '"overdue"', "level": "level"}, result="notified"),
        End("reminded", "已提醒", "approving"),
        UserTask("review", "档案审核", "archive", assignee="archive_org", form="decision",
                 deadline=15),
        Exclusive("archive_ok", "档案是否有问题？", "archive", default="to_verify"),
        UserTask("verify", "核实档案问题", "initiator", assignee="initiator_org", deadline=15),
        Parallel("join", "", "receiver"),
        UserTask("receive", "接收并分配支部", "receiver", assignee="receiver_org", deadline=15),
        Boundary("expire", "逾期未接收", "receiver", attached_to="receive", kind="timeDuration",
                 expression='"P30D"', interrupting=True),
        ScriptTask("escalate", "升级处理", "receiver", script="escalated = True\nlevel = 'top'"),
        End("escalated", "已升级", "receiver", terminate=True),
        ServiceTask("land", "组织关系落地", "receiver", operator="test/move",
                    params={"member": "member_id", "to": "receiver_org"}),
        CallActivity("report", "党员报到", "branch", called="report_in"),
        End("done", "转接完成", "receiver"),
    ]


def transfer() -> Process:
    """A transfer with most of what the vocabulary offers."""
    lanes = [Lane("branch", "党支部"), Lane("initiator", "发起党委"),
             Lane("approving", "审批党委"), Lane("archive", "档案审核"),
             Lane("receiver", "接收党委")]
    flows = [
        Flow("start", "apply"), Flow("apply", "initiate"), Flow("initiate", "initiated"),
        Flow("initiated", "split", "发起", "decision == 'approve'"),
        Flow("initiated", "apply", "退回支部", "decision == 'back'", id="send_back"),
        Flow("initiated", "refused", "不同意", id="to_refused"),
        Flow("split", "approve"), Flow("split", "review"), Flow("approve", "join"),
        Flow("remind", "notify"), Flow("notify", "reminded"),
        Flow("review", "archive_ok"),
        Flow("archive_ok", "join", "通过", "decision == 'pass' and level != \"<none>\" & 1"),
        Flow("archive_ok", "verify", "有问题", id="to_verify"),
        Flow("verify", "review", "重新审核"),
        Flow("join", "receive"), Flow("receive", "land"), Flow("expire", "escalate"),
        Flow("escalate", "escalated"), Flow("land", "report"), Flow("report", "done"),
    ]
    return Process("transfer", "组织关系转接（示例）", "党员组织关系转接", lanes,
                   _transfer_nodes(), flows,
                   documentation="编译器测试用的示例流程。")


def report() -> Process:
    """The process that ``transfer`` calls: wait, then urge, then record."""
    lanes = [Lane("report_branch", "接收党支部")]
    nodes = [
        Start("report_start", "落地", "report_branch"),
        TimerCatch("wait", "等待报到", "report_branch", kind="timeDuration",
                   expression='"P15D"'),
        UserTask("urge", "督促报到", "report_branch", assignee="branch_org",
                 role="branch_secretary", pre_script="urged = True"),
        ScriptTask("record", "记录", "report_branch", script="reported = True"),
        End("report_end", "报到完成", "report_branch"),
    ]
    flows = [Flow("report_start", "wait"), Flow("wait", "urge"), Flow("urge", "record"),
             Flow("record", "report_end")]
    return Process("report_in", "党员报到", "党员报到", lanes, nodes, flows,
                   file_name="report_in.bpmn")


def single() -> Process:
    """One lane, one task."""
    lanes = [Lane("only", "经办人")]
    nodes = [Start("s", "", "only"),
             UserTask("t", "办理", "only", assignee="org"),
             End("e", "", "only")]
    return Process("single", "单一任务", "单一任务", lanes, nodes,
                   [Flow("s", "t"), Flow("t", "e")])


def all_examples() -> list[Process]:
    """Every example, the called process after its caller."""
    return [transfer(), report(), single()]
