"""BPMN 2.0 XML of a procedure definition: the executable process and its drawing.

``to_xml(process)`` validates the definition, lays it out and writes one document: a
collaboration with one participant, the process with its lane set, nodes and flows (with
the SpiffWorkflow extensions zhuanjie's engine reads), and the diagram interchange. The
child order of every element follows the BPMN 2.0 XSD, which the engine validates against.
"""

from __future__ import annotations

from lxml import etree

from tools.bpmnbuild.diagram import diagram_element
from tools.bpmnbuild.dsl import (
    Boundary,
    CallActivity,
    End,
    Exclusive,
    Flow,
    Node,
    Parallel,
    Process,
    ScriptTask,
    ServiceTask,
    Start,
    TimerCatch,
    UserTask,
)
from tools.bpmnbuild.layout import layout
from tools.bpmnbuild.validate import generated_ids, lane_of, validate

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {
    "bpmn": BPMN,
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": SPIFF,
    "xsi": XSI,
}
TARGET_NAMESPACE = "urn:zhuanjie:bpmn"
_TAGS: list[tuple[type[Node], str]] = [
    (Start, "startEvent"), (End, "endEvent"), (UserTask, "userTask"),
    (ServiceTask, "serviceTask"), (ScriptTask, "scriptTask"), (CallActivity, "callActivity"),
    (Exclusive, "exclusiveGateway"), (Parallel, "parallelGateway"),
    (TimerCatch, "intermediateCatchEvent"), (Boundary, "boundaryEvent"),
]


def _b(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{BPMN}}}{tag}", attrs)


def _s(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{SPIFF}}}{tag}", attrs)


def _text(el: etree._Element, text: str) -> etree._Element:
    el.text = text
    return el


def _formal(parent: etree._Element, tag: str, expression: str) -> etree._Element:
    el = _b(parent, tag)
    el.set(f"{{{XSI}}}type", "bpmn:tFormalExpression")
    return _text(el, expression)


def _tag(node: Node) -> str:
    return next(tag for cls, tag in _TAGS if isinstance(node, cls))


def _user_task_extensions(node: UserTask, ext: etree._Element) -> None:
    props = [("assignee", node.assignee), ("role", node.role), ("form", node.form),
             ("deadline_working_days", None if node.deadline is None else str(node.deadline)),
             ("title", node.title), ("stage", node.stage)]
    if any(value for _, value in props):
        holder = _s(ext, "properties")
        for name, value in props:
            if value:
                _s(holder, "property", name=name, value=value)
    if node.pre_script:
        _text(_s(ext, "preScript"), node.pre_script)
    if node.post_script:
        _text(_s(ext, "postScript"), node.post_script)


def _service_extensions(node: ServiceTask, ext: etree._Element) -> None:
    attrs = {"id": node.operator}
    if node.result:
        attrs["resultVariable"] = node.result
    operator = _s(ext, "serviceTaskOperator", **attrs)
    if node.params:
        holder = _s(operator, "parameters")
        for name, expression in node.params.items():
            _s(holder, "parameter", id=name, type="any", value=expression)


def _extensions(node: Node, el: etree._Element) -> None:
    ext = _b(el, "extensionElements")
    if isinstance(node, UserTask):
        _user_task_extensions(node, ext)
    elif isinstance(node, ServiceTask):
        _service_extensions(node, ext)
    if not len(ext):
        el.remove(ext)


def _multi_instance(node: UserTask, el: etree._Element) -> None:
    mi = node.multi_instance
    if mi is None:
        return
    loop = _b(el, "multiInstanceLoopCharacteristics",
              isSequential="true" if mi.sequential else "false")
    if mi.scripts_on_instances:
        loop.set(f"{{{SPIFF}}}scriptsOnInstances", "true")
    _text(_b(loop, "loopDataInputRef"), mi.collection)
    if mi.output_collection:
        _text(_b(loop, "loopDataOutputRef"), mi.output_collection)
    _b(loop, "inputDataItem", id=mi.element)
    if mi.output_element:
        _b(loop, "outputDataItem", id=mi.output_element)


def _timer(node: TimerCatch | Boundary, el: etree._Element) -> None:
    _formal(_b(el, "timerEventDefinition"), node.kind, node.expression)


def _node(parent: etree._Element, node: Node, flows: list[Flow]) -> None:
    attrs = {"id": node.id}
    if node.name:
        attrs["name"] = node.name
    if isinstance(node, CallActivity):
        attrs["calledElement"] = node.called
    if isinstance(node, Exclusive) and node.default:
        attrs["default"] = node.default
    if isinstance(node, Boundary):
        attrs["attachedToRef"] = node.attached_to
        attrs["cancelActivity"] = "true" if node.interrupting else "false"
    el = _b(parent, _tag(node), **attrs)
    if node.documentation:
        _text(_b(el, "documentation"), node.documentation)
    _extensions(node, el)
    for flow in flows:
        if flow.target == node.id:
            _text(_b(el, "incoming"), flow.flow_id)
    for flow in flows:
        if flow.source == node.id:
            _text(_b(el, "outgoing"), flow.flow_id)
    if isinstance(node, UserTask):
        _multi_instance(node, el)
    elif isinstance(node, ScriptTask):
        _text(_b(el, "script"), node.script)
    elif isinstance(node, TimerCatch | Boundary):
        _timer(node, el)
    elif isinstance(node, End) and node.terminate:
        _b(el, "terminateEventDefinition")


def _flow(parent: etree._Element, flow: Flow) -> None:
    attrs = {"id": flow.flow_id}
    if flow.name:
        attrs["name"] = flow.name
    attrs.update(sourceRef=flow.source, targetRef=flow.target)
    el = _b(parent, "sequenceFlow", **attrs)
    if flow.condition:
        _formal(el, "conditionExpression", flow.condition)


def _process(root: etree._Element, process: Process) -> None:
    el = _b(root, "process", id=process.id, name=process.name, isExecutable="true")
    if process.documentation:
        _text(_b(el, "documentation"), process.documentation)
    lane_set = _b(el, "laneSet", id=f"{process.id}_lanes")
    for lane in process.lanes:
        lane_el = _b(lane_set, "lane", id=lane.id, name=lane.name)
        for node in process.nodes:
            if lane_of(process, node) == lane.id:
                _text(_b(lane_el, "flowNodeRef"), node.id)
    for node in process.nodes:
        _node(el, node, process.flows)
    for flow in process.flows:
        _flow(el, flow)


def to_element(process: Process) -> etree._Element:
    """The ``bpmn:definitions`` element of *process* (validated, laid out)."""
    validate(process)
    ids = generated_ids(process)
    root = etree.Element(f"{{{BPMN}}}definitions", nsmap=NSMAP)
    root.set("id", ids["definitions"])
    root.set("targetNamespace", TARGET_NAMESPACE)
    root.set("exporter", "zhuanjie tools.bpmnbuild")
    root.set("exporterVersion", "1")
    collaboration = _b(root, "collaboration", id=ids["collaboration"])
    _b(collaboration, "participant", id=ids["participant"], name=process.participant,
       processRef=process.id)
    _process(root, process)
    root.append(diagram_element(process, layout(process)))
    return root


def to_xml(process: Process) -> str:
    """The BPMN 2.0 document of *process*: UTF-8 text, indented, deterministic."""
    etree.indent(root := to_element(process), space="  ")
    body = etree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
