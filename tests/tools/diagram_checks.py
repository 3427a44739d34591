"""Structural checks of a compiled diagram, read back from its XML with lxml.

``structure_problems`` lists everything that would make a diagram wrong or untidy in a
modeler: a node or flow that is not drawn, a lane that does not list exactly its nodes,
overlapping shapes, a waypoint outside the pool, a boundary event off its task's border,
an edge that is not orthogonal, does not start and end on its shapes or crosses a shape,
a label that covers a shape.
"""

from __future__ import annotations

from itertools import combinations, pairwise

from lxml import etree

from tools.bpmnbuild.dsl import Process
from tools.bpmnbuild.validate import lane_of

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC",
      "di": "http://www.omg.org/spec/DD/20100524/DI"}
FLOW_NODES = {"startEvent", "endEvent", "userTask", "serviceTask", "scriptTask",
              "callActivity", "exclusiveGateway", "parallelGateway",
              "intermediateCatchEvent", "boundaryEvent"}
Rect = tuple[float, float, float, float]  # x, y, right, bottom


def _rect(el: etree._Element) -> Rect:
    b = el.find("dc:Bounds", NS)
    x, y = float(b.get("x")), float(b.get("y"))
    return x, y, x + float(b.get("width")), y + float(b.get("height"))


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _on_border(p: tuple[float, float], r: Rect) -> bool:
    x, y = p
    inside = r[0] <= x <= r[2] and r[1] <= y <= r[3]
    return inside and (x in (r[0], r[2]) or y in (r[1], r[3]))


def _crosses(a: tuple[float, float], b: tuple[float, float], r: Rect) -> bool:
    """Whether the axis-parallel segment a–b passes through the interior of r."""
    (x1, y1), (x2, y2) = a, b
    if y1 == y2:
        lo, hi = sorted((x1, x2))
        return r[1] < y1 < r[3] and lo < r[2] and hi > r[0]
    lo, hi = sorted((y1, y2))
    return r[0] < x1 < r[2] and lo < r[3] and hi > r[1]


class _Read:
    def __init__(self, xml: str) -> None:
        root = etree.fromstring(xml.encode("utf-8"))
        self.process = root.find("bpmn:process", NS)
        self.nodes = {el.get("id"): el for el in self.process
                      if etree.QName(el).localname in FLOW_NODES}
        self.flows = {el.get("id"): el for el in self.process.iterfind("bpmn:sequenceFlow", NS)}
        self.shapes = {s.get("bpmnElement"): s for s in root.iter(f"{{{NS['bpmndi']}}}BPMNShape")}
        self.edges = {e.get("bpmnElement"): e for e in root.iter(f"{{{NS['bpmndi']}}}BPMNEdge")}
        participant = root.find("bpmn:collaboration/bpmn:participant", NS)
        self.pool = _rect(self.shapes[participant.get("id")])
        self.lanes = {lane.get("id"): lane for lane in self.process.iter(f"{{{NS['bpmn']}}}lane")}

    def waypoints(self, flow_id: str) -> list[tuple[float, float]]:
        return [(float(w.get("x")), float(w.get("y")))
                for w in self.edges[flow_id].iterfind("di:waypoint", NS)]


def _lane_problems(d: _Read, process: Process) -> list[str]:
    problems = []
    for lane in process.lanes:
        listed = [ref.text for ref in d.lanes[lane.id].iterfind("bpmn:flowNodeRef", NS)]
        expected = [n.id for n in process.nodes if lane_of(process, n) == lane.id]
        if sorted(listed) != sorted(expected) or len(set(listed)) != len(listed):
            problems.append(f"lane {lane.id} lists {listed}, expected {expected}")
    pool, y = d.pool, d.pool[1]
    for lane in process.lanes:
        r = _rect(d.shapes[lane.id])
        if r[1] != y or r[0] != pool[0] + 30 or r[2] != pool[2]:
            problems.append(f"lane {lane.id} is not stacked inside the pool: {r}")
        y = r[3]
    if y != pool[3]:
        problems.append("the lanes do not fill the pool")
    return problems


def _shape_problems(d: _Read) -> list[str]:
    problems = [f"node {n} has no shape" for n in d.nodes if n not in d.shapes]
    rects = {n: _rect(d.shapes[n]) for n in d.nodes if n in d.shapes}
    hosts = {n: el.get("attachedToRef") for n, el in d.nodes.items()
             if el.get("attachedToRef")}
    for a, b in combinations(sorted(rects), 2):
        if hosts.get(a) != b and hosts.get(b) != a and _overlap(rects[a], rects[b]):
            problems.append(f"shapes {a} and {b} overlap")
    for event, task in hosts.items():
        e, t = rects[event], rects[task]
        if (e[1] + e[3]) / 2 != t[3] or not t[0] <= (e[0] + e[2]) / 2 <= t[2]:
            problems.append(f"boundary event {event} is not on the bottom border of {task}")
    for n, r in rects.items():
        if not (d.pool[0] <= r[0] and r[2] <= d.pool[2] and d.pool[1] <= r[1]
                and r[3] <= d.pool[3]):
            problems.append(f"shape {n} is outside the pool")
    return problems


def _edge_problems(d: _Read) -> list[str]:
    problems = []
    rects = {n: _rect(d.shapes[n]) for n in d.nodes if n in d.shapes}
    for fid, flow in d.flows.items():
        if fid not in d.edges:
            problems.append(f"flow {fid} has no edge")
            continue
        points = d.waypoints(fid)
        if len(points) < 2:
            problems.append(f"flow {fid} has fewer than two waypoints")
            continue
        if not _on_border(points[0], rects[flow.get("sourceRef")]) or not _on_border(
                points[-1], rects[flow.get("targetRef")]):
            problems.append(f"flow {fid} does not run from its source's to its target's border")
        for p in points:
            if not (d.pool[0] <= p[0] <= d.pool[2] and d.pool[1] <= p[1] <= d.pool[3]):
                problems.append(f"flow {fid}: waypoint {p} is outside the pool")
        for a, b in pairwise(points):
            if a[0] != b[0] and a[1] != b[1]:
                problems.append(f"flow {fid}: segment {a}–{b} is not orthogonal")
            problems += [f"flow {fid}: segment {a}–{b} crosses shape {n}"
                         for n, r in rects.items() if _crosses(a, b, r)]
    return problems


def _label_problems(d: _Read) -> list[str]:
    problems = []
    rects = [_rect(d.shapes[n]) for n in d.nodes if n in d.shapes]
    owners = [(n, d.shapes.get(n)) for n, el in d.nodes.items()
              if el.get("name") and etree.QName(el).localname not in (
                  "userTask", "serviceTask", "scriptTask", "callActivity")]
    owners += [(f, d.edges.get(f)) for f, el in d.flows.items() if el.get("name")]
    for owner, di in owners:
        label = di.find("bpmndi:BPMNLabel", NS) if di is not None else None
        if label is None:
            problems.append(f"{owner} is named but has no label")
            continue
        box = _rect(label)
        if any(_overlap(box, r) for r in rects):
            problems.append(f"the label of {owner} covers a shape")
    return problems


def structure_problems(xml: str, process: Process) -> list[str]:
    """Every structural problem of the compiled *xml* of *process* (empty: all is well)."""
    d = _Read(xml)
    return (_lane_problems(d, process) + _shape_problems(d) + _edge_problems(d)
            + _label_problems(d))
