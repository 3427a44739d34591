"""Edited versions of the committed diagrams, as policy staff would make them in the editor."""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from sqlalchemy import select

from app.engine.bpmn_xml import BPMN_NS, NSMAP, SPIFF_NS
from app.models import Org, User
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]
B = f"{{{BPMN_NS}}}"
S = f"{{{SPIFF_NS}}}"
DI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
DC = "{http://www.omg.org/spec/DD/20100524/DC}"
DDI = "{http://www.omg.org/spec/DD/20100524/DI}"
XSI = "{http://www.w3.org/2001/XMLSchema-instance}"


def committed(name: str) -> str:
    """The text of bpmn/<name>.bpmn."""
    return (ROOT / "bpmn" / f"{name}.bpmn").read_text(encoding="utf-8")


def _tree(xml: str) -> etree._Element:
    return etree.fromstring(xml.encode("utf-8"))


def _text(root: etree._Element) -> str:
    return etree.tostring(root, encoding="unicode")


def _process(root: etree._Element) -> etree._Element:
    return root.find("bpmn:process", NSMAP)


def _shape(root: etree._Element, element: str, x: int, y: int, w: int, h: int) -> None:
    plane = root.find(f".//{DI}BPMNPlane")
    shape = etree.SubElement(plane, f"{DI}BPMNShape", id=f"{element}_di", bpmnElement=element)
    etree.SubElement(shape, f"{DC}Bounds", x=str(x), y=str(y), width=str(w), height=str(h))


def _edge(root: etree._Element, flow: str, points: list[tuple[int, int]]) -> None:
    plane = root.find(f".//{DI}BPMNPlane")
    edge = etree.SubElement(plane, f"{DI}BPMNEdge", id=f"{flow}_di", bpmnElement=flow)
    for x, y in points:
        etree.SubElement(edge, f"{DDI}waypoint", x=str(x), y=str(y))


def _link(node: etree._Element, tag: str, fid: str) -> None:
    """Add an incoming/outgoing reference where the XSD wants it (after the extension
    elements, incoming before outgoing, before any event definition)."""
    before = ("documentation", "extensionElements", "incoming") + (
        ("outgoing",) if tag == "outgoing" else ())
    index = 0
    for i, child in enumerate(node):
        if isinstance(child.tag, str) and etree.QName(child).localname in before:
            index = i + 1
    ref = etree.Element(f"{B}{tag}")
    ref.text = fid
    node.insert(index, ref)


def _flow(proc: etree._Element, fid: str, source: str, target: str) -> None:
    etree.SubElement(proc, f"{B}sequenceFlow", id=fid, sourceRef=source, targetRef=target)
    _link(proc.find(f"*[@id='{source}']"), "outgoing", fid)
    _link(proc.find(f"*[@id='{target}']"), "incoming", fid)


def with_early_reminder(xml: str, days: int = 3) -> str:
    """level_approval with a non-interrupting timer on ``approve`` after *days* working days
    that runs ``notify/remind`` (the "Done when" of issue 8)."""
    root = _tree(xml)
    proc = _process(root)
    event = etree.SubElement(proc, f"{B}boundaryEvent", id="approve_early", name="提前提醒",
                             attachedToRef="approve", cancelActivity="false")
    timer = etree.SubElement(event, f"{B}timerEventDefinition")
    expr = etree.SubElement(timer, f"{B}timeDate")
    expr.set(f"{XSI}type", "bpmn:tFormalExpression")
    expr.text = f"deadline(working_days={days})"
    task = etree.SubElement(proc, f"{B}serviceTask", id="approve_early_remind", name="提前提醒")
    ext = etree.SubElement(task, f"{B}extensionElements")
    op = etree.SubElement(ext, f"{S}serviceTaskOperator", id="notify/remind")
    params = etree.SubElement(op, f"{S}parameters")
    etree.SubElement(params, f"{S}parameter", id="task", type="any", value="'approve'")
    etree.SubElement(proc, f"{B}endEvent", id="approve_early_done", name="已提醒")
    _flow(proc, "approve_early__remind", "approve_early", "approve_early_remind")
    _flow(proc, "approve_early_remind__done", "approve_early_remind", "approve_early_done")
    _shape(root, "approve_early", 420, 262, 36, 36)
    _shape(root, "approve_early_remind", 500, 340, 100, 80)
    _shape(root, "approve_early_done", 650, 362, 36, 36)
    _edge(root, "approve_early__remind", [(438, 298), (438, 380), (500, 380)])
    _edge(root, "approve_early_remind__done", [(600, 380), (650, 380)])
    return _text(root)


def with_property(xml: str, task: str, name: str, value: str) -> str:
    """A user task's zhuanjie property set to *value*."""
    root = _tree(xml)
    el = root.find(f".//bpmn:userTask[@id='{task}']", NSMAP)
    for prop in el.iterfind(".//spiffworkflow:property", NSMAP):
        if prop.get("name") == name:
            prop.set("value", value)
            return _text(root)
    props = el.find(".//spiffworkflow:properties", NSMAP)
    etree.SubElement(props, f"{S}property", name=name, value=value)
    return _text(root)


def with_label(xml: str, element: str, label: str) -> str:
    """An element renamed (its label, not its id)."""
    root = _tree(xml)
    root.find(f".//*[@id='{element}']").set("name", label)
    return _text(root)


def without_assignee(xml: str, task: str) -> str:
    """A user task whose assignee property was removed (a lint error)."""
    root = _tree(xml)
    el = root.find(f".//bpmn:userTask[@id='{task}']", NSMAP)
    for prop in el.iterfind(".//spiffworkflow:property", NSMAP):
        if prop.get("name") == "assignee":
            prop.getparent().remove(prop)
    return _text(root)


def with_id(xml: str, old: str, new: str) -> str:
    """An element's id changed with every reference to it (a different task for the
    engine, though it looks the same)."""
    root = _tree(xml)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in ("id", "sourceRef", "targetRef", "attachedToRef", "bpmnElement"):
            if el.get(attr) == old:
                el.set(attr, new)
        if etree.QName(el).localname in ("incoming", "outgoing", "flowNodeRef") \
                and el.text == old:
            el.text = new
    return _text(root)


def policy_user(session, username: str = "policy-hn") -> User:  # type: ignore[no-untyped-def]
    """A policy staff member of the province department (HN)."""
    existing = session.scalar(select(User).where(User.username == username))
    if existing is not None:
        return existing
    org = session.scalar(select(Org).where(Org.code == "HN"))
    return make_user(session, username, org, "policy_staff")
