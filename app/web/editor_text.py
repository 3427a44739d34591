"""Chinese wording of the diagram editor: problems of the engine's check, diff facets,
migration findings, element types. The engine speaks English (logs, CLI); screens speak
Chinese, so the known messages are translated here and unknown ones are shown as they are.
"""

from __future__ import annotations

import re

from app.engine.migration import Finding
from app.models.case import CASE_STATUSES
from app.policy import ROLE_LABELS

ELEMENT_TYPES = {
    "process": "流程", "collaboration": "协作", "participant": "参与者（池）", "lane": "泳道",
    "userTask": "用户任务", "serviceTask": "服务任务", "scriptTask": "脚本任务",
    "manualTask": "人工任务", "task": "任务", "callActivity": "调用活动",
    "subProcess": "子流程", "startEvent": "开始事件", "endEvent": "结束事件",
    "boundaryEvent": "边界事件", "intermediateCatchEvent": "中间捕获事件",
    "intermediateThrowEvent": "中间抛出事件", "exclusiveGateway": "排他网关",
    "parallelGateway": "并行网关", "inclusiveGateway": "包容网关",
    "eventBasedGateway": "事件网关", "sequenceFlow": "顺序流", "textAnnotation": "文本注释",
    "association": "关联", "dataObjectReference": "数据对象", "dataStoreReference": "数据存储",
    "group": "分组",
}

PROPERTY_LABELS = {
    "assignee": "办理单位表达式", "role": "办理角色", "form": "表单",
    "deadline_working_days": "办理时限（工作日）", "title": "待办标题", "stage": "所处阶段",
}

STAGES = {k: CASE_STATUSES[k] for k in (
    "applying", "approving", "sent_back", "archive_verifying", "awaiting_receipt",
    "awaiting_report", "issuing_letter", "awaiting_letter_receipt")}
ROLES = {k: ROLE_LABELS[k] for k in ("operator", "branch_secretary", "manager")}

_FACETS = {
    "attr:name": "名称", "type": "元素类型", "documentation": "说明", "script": "脚本",
    "condition": "条件表达式", "operator": "服务操作", "event": "事件类型",
    "attr:default": "默认流向", "attr:attachedToRef": "附着环节",
    "attr:cancelActivity": "是否中断", "attr:sourceRef": "起点", "attr:targetRef": "终点",
    "attr:calledElement": "调用流程", "attr:isExecutable": "可执行",
    "timer:timeDate": "定时（时间点）", "timer:timeDuration": "定时（时长）",
    "timer:timeCycle": "定时（周期）", "preScript": "前置脚本", "postScript": "后置脚本",
    "attr:processRef": "所属流程",
}


def facet_label(facet: str) -> str:
    """The Chinese name of a diff facet."""
    if facet.startswith("property:"):
        name = facet.split(":", 1)[1]
        return PROPERTY_LABELS.get(name, f"属性 {name}")
    if facet.startswith("param:"):
        return f"参数 {facet.split(':', 1)[1]}"
    return _FACETS.get(facet, facet)


_UNSUPPORTED = {
    "link events": "不支持链接事件", "compensation": "不支持补偿",
    "complex gateways": "不支持复杂网关", "transaction": "不支持事务子流程",
    "business rule": "不支持业务规则任务（DMN）",
    "messages are not delivered": "案件之间不传递消息，请改用用户任务或定时器",
    "send tasks": "不支持发送任务，请改用服务任务",
    "receive tasks": "不支持接收任务，请改用用户任务",
}

_PROPERTY = re.compile(r"^property (\w+): (.*)$")
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^user task has no assignee"),
     "用户任务未设置办理单位表达式（assignee）"),
    (re.compile(r"^unknown role '(.*)'"), "未知的办理角色“{0}”"),
    (re.compile(r"^form '(.*)' does not exist"), "表单“{0}”不存在"),
    (re.compile(r"^deadline_working_days must be"),
     "办理时限须为 1 至 90 之间的整数（工作日）"),
    (re.compile(r"^service task has no operator"), "服务任务未设置服务操作"),
    (re.compile(r"^no handler is registered for operator '(.*)'"),
     "服务操作“{0}”没有对应的处理程序"),
    (re.compile(r"^timer has no expression"), "定时器未填写表达式"),
    (re.compile(r"^timer expression '(.*)' does not evaluate: (.*)$"),
     "定时表达式“{0}”无法计算：{1}"),
    (re.compile(r"^timer expression '(.*)' gives (.*)$"),
     "定时表达式“{0}”的结果不是有效的时间：{1}"),
    (re.compile(r"^syntax error in script: (.*)$"), "脚本语法错误：{0}"),
    (re.compile(r"^syntax error in expression: (.*)$"),
     "表达式语法错误：{0}"),
    (re.compile(r"^scripts may not import modules"), "脚本不得导入模块"),
    (re.compile(r"^scripts may not reach private or dunder attributes \((.*)\)"),
     "脚本不得访问私有属性（{0}）"),
    (re.compile(r"^scripts may not use dunder names \((.*)\)"),
     "脚本不得使用双下划线名称（{0}）"),
    (re.compile(r"^scripts may not call (.*)$"), "脚本不得调用 {0}"),
    (re.compile(r"^scripts may not use global"),
     "脚本不得使用 global、nonlocal、lambda 或异步函数"),
    (re.compile(r"^not well-formed XML: (.*)$"), "XML 格式错误：{0}"),
    (re.compile(r"^DOCTYPE and entity declarations"),
     "BPMN 文件不允许包含 DOCTYPE 或实体声明（已拒绝）"),
    (re.compile(r"^file is (\d+) bytes; the limit is (\d+) bytes"),
     "文件过大（{0} 字节，上限 {1} 字节）"),
    (re.compile(r"^file is empty"), "文件为空"),
    (re.compile(r"^not a BPMN 2.0 document"), "不是 BPMN 2.0 文件"),
    (re.compile(r"^no executable process"),
     "没有可执行流程（isExecutable=\"true\"）"),
    (re.compile(r"^a draft holds exactly one executable process, not (\d+)"),
     "一个流程图须且只能包含一个可执行流程（当前为 {0} 个）"),
    (re.compile(r"^invalid form schema: (.*)$"),
     "表单 JSON Schema 无效：{0}"),
    (re.compile(r"^form names are"), "表单名称只能由小写字母、数字和下划线组成，并以字母开头"),
    (re.compile(r"^a form schema is an object schema"),
     "表单须为对象类型（\"type\": \"object\"）的 JSON Schema"),
    (re.compile(r"^Element '.*?': (.*)$"), "不符合 BPMN 2.0 规范：{0}"),
]


def problem_cn(message: str) -> str:
    """A problem of the engine's check in Chinese (unknown messages are kept as they are)."""
    prop = _PROPERTY.match(message)
    if prop:
        return f"属性“{PROPERTY_LABELS.get(prop[1], prop[1])}”：{problem_cn(prop[2])}"
    for key, text in _UNSUPPORTED.items():
        if key in message:
            return text
    for pattern, text in _PATTERNS:
        found = pattern.match(message)
        if found:
            return text.format(*found.groups())
    return message


FINDINGS = {
    "missing_subprocess": "目标版本未包含其正在运行的子流程 {detail}（调用环节 {task}）",
    "missing_task": "环节 {task}（{state}）在目标版本中不存在",
    "type_changed": "环节 {task} 在目标版本中类型不同（{detail}）",
    "trial_failed": "试迁移失败：{detail}",
    "not_on_version": "案件已不在源版本上或已办结",
    "properties_changed": ("待办 {task} 的属性在新版本中有变化（{detail}）："
                           "已开始的待办保留原办理单位和时限"),
    "boundary_later": "环节 {task} 新增的边界事件 {detail} 自下次进入该环节时生效",
    "timer_kept": "定时器 {task} 的表达式已修改：正在计时的定时器保持原到期时间",
    "foreseen_dropped": "尚未到达的环节 {task} 在目标版本中已删除，将按目标版本的流向继续",
}
_STATES = {"READY": "待办理", "WAITING": "等待中", "STARTED": "进行中", "ERROR": "出错",
           "COMPLETED": "已办结", "CANCELLED": "已取消"}


def finding_cn(finding: Finding) -> str:
    """A migration finding in Chinese."""
    detail = finding.detail or ""
    if finding.code == "properties_changed":
        detail = "、".join(PROPERTY_LABELS.get(p.strip(), p.strip()) for p in detail.split(","))
    text = FINDINGS.get(finding.code, str(finding))
    return text.format(task=finding.task or "", detail=detail,
                       state=_STATES.get(detail, detail))
