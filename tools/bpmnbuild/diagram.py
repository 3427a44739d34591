"""The diagram interchange (BPMN DI) of a laid-out process: shapes, edges and labels."""

from __future__ import annotations

from lxml import etree

from tools.bpmnbuild.dsl import Exclusive, Process
from tools.bpmnbuild.layout import Box, Diagram
from tools.bpmnbuild.validate import generated_ids

BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"


def _bounds(parent: etree._Element, box: Box) -> None:
    etree.SubElement(parent, f"{{{DC}}}Bounds", x=str(box.x), y=str(box.y),
                     width=str(box.w), height=str(box.h))


def _label(parent: etree._Element, box: Box | None) -> None:
    if box is not None:
        _bounds(etree.SubElement(parent, f"{{{BPMNDI}}}BPMNLabel"), box)


def _shape(plane: etree._Element, element: str, box: Box, label: Box | None = None,
           **attrs: str) -> None:
    shape = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNShape",
                             {"id": f"{element}_di", "bpmnElement": element, **attrs})
    _bounds(shape, box)
    _label(shape, label)


def diagram_element(process: Process, diagram: Diagram) -> etree._Element:
    """``bpmndi:BPMNDiagram`` of *process*: the pool, its lanes, every node and flow."""
    ids = generated_ids(process)
    root = etree.Element(f"{{{BPMNDI}}}BPMNDiagram", id=ids["diagram"])
    plane = etree.SubElement(root, f"{{{BPMNDI}}}BPMNPlane", id=ids["plane"],
                             bpmnElement=ids["collaboration"])
    _shape(plane, ids["participant"], diagram.pool, isHorizontal="true")
    for lane in process.lanes:
        _shape(plane, lane.id, diagram.lanes[lane.id], isHorizontal="true")
    for node in process.nodes:
        extra = {"isMarkerVisible": "true"} if isinstance(node, Exclusive) else {}
        _shape(plane, node.id, diagram.shapes[node.id], diagram.labels.get(node.id), **extra)
    for flow in process.flows:
        edge = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNEdge",
                                id=f"{flow.flow_id}_di", bpmnElement=flow.flow_id)
        for x, y in diagram.edges[flow.flow_id]:
            etree.SubElement(edge, f"{{{DI}}}waypoint", x=str(x), y=str(y))
        _label(edge, diagram.labels.get(flow.flow_id))
    return root
