"""What changed between two versions of a diagram, element by element (matched by id).

Each semantic element (a task, event, gateway, flow, lane, process …) is reduced to
*facets*: its name, its attributes, the zhuanjie properties, scripts, conditions, timer
expressions, service operator and parameters, documentation. Two versions differ in an
element when a facet differs. Event definitions count as part of their event, and the
``incoming``/``outgoing``/``flowNodeRef`` references are left out: the flows themselves
carry the topology, so adding a flow does not also mark both of its ends as changed.
Elements whose only change is their position in the drawing are reported apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from app.engine.bpmn_xml import BPMN_NS, SPIFF_NS, parse_bpmn_bytes

DI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
_SKIP_CHILDREN = frozenset({"incoming", "outgoing", "flowNodeRef", "extensionElements",
                            "documentation", "script", "conditionExpression"})
_NOT_ELEMENTS = frozenset({"definitions", "laneSet", "incoming", "outgoing"})
MAX_DIFF_BYTES = 10_000_000

Facets = dict[str, str]


@dataclass(frozen=True)
class FacetChange:
    """One facet of an element: its value before and after (None: absent)."""

    facet: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class ElementChange:
    """An element added, removed or changed between two versions."""

    element_id: str
    element_type: str
    name: str | None
    changes: tuple[FacetChange, ...] = ()


@dataclass
class DiagramDiff:
    """The differences of two versions; empty lists when they are the same."""

    added: list[ElementChange] = field(default_factory=list)
    removed: list[ElementChange] = field(default_factory=list)
    changed: list[ElementChange] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Whether nothing at all differs (not even the layout)."""
        return not (self.added or self.removed or self.changed or self.moved)


def _local(el: etree._Element) -> str:
    return str(etree.QName(el).localname)


def _text(el: etree._Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def _spiff_facets(ext: etree._Element, facets: Facets) -> None:
    for prop in ext.iter(f"{{{SPIFF_NS}}}property"):
        facets[f"property:{prop.get('name', '')}"] = prop.get("value", "")
    for op in ext.iter(f"{{{SPIFF_NS}}}serviceTaskOperator"):
        facets["operator"] = op.get("id", "")
        for param in op.iter(f"{{{SPIFF_NS}}}parameter"):
            facets[f"param:{param.get('id', '')}"] = param.get("value", "")
    for tag in ("preScript", "postScript"):
        for script in ext.iter(f"{{{SPIFF_NS}}}{tag}"):
            facets[tag] = _text(script)


def _event_facets(defn: etree._Element, facets: Facets) -> None:
    kind = _local(defn).removesuffix("EventDefinition")
    facets["event"] = (facets["event"] + "+" + kind) if "event" in facets else kind
    for part in defn:
        if isinstance(part.tag, str):
            facets[f"timer:{_local(part)}"] = _text(part)
    for attr, value in defn.attrib.items():
        if attr != "id":
            facets[f"event:{etree.QName(attr).localname}"] = value


def facets_of(el: etree._Element) -> Facets:
    """The comparable facets of one semantic element."""
    facets: Facets = {}
    for attr, value in el.attrib.items():
        if attr != "id":
            facets[f"attr:{etree.QName(attr).localname}"] = value
    for child in el:
        if not isinstance(child.tag, str) or etree.QName(child).namespace != BPMN_NS:
            continue
        tag = _local(child)
        if tag == "extensionElements":
            _spiff_facets(child, facets)
        elif tag == "documentation":
            facets["documentation"] = _text(child)
        elif tag == "script":
            facets["script"] = _text(child)
        elif tag == "conditionExpression":
            facets["condition"] = _text(child)
        elif tag.endswith("EventDefinition"):
            _event_facets(child, facets)
        elif tag not in _SKIP_CHILDREN and child.get("id") is None:
            facets[f"child:{tag}"] = etree.tostring(child, method="c14n").decode()
    return facets


def _elements(root: etree._Element) -> dict[str, etree._Element]:
    found: dict[str, etree._Element] = {}
    for el in root.iter(f"{{{BPMN_NS}}}*"):
        tag = _local(el)
        if tag in _NOT_ELEMENTS or tag.endswith("EventDefinition") or not el.get("id"):
            continue
        found[str(el.get("id"))] = el
    return found


def _layout(root: etree._Element) -> dict[str, str]:
    """bpmnElement id → its bounds or waypoints, as text."""
    shapes: dict[str, str] = {}
    for el in root.iter(f"{{{DI_NS}}}BPMNShape", f"{{{DI_NS}}}BPMNEdge"):
        ref = el.get("bpmnElement")
        if not ref:
            continue
        points = [f"{p.get('x')},{p.get('y')},{p.get('width', '')},{p.get('height', '')}"
                  for p in el if isinstance(p.tag, str)
                  and _local(p) in ("Bounds", "waypoint")]
        shapes[ref] = ";".join(points)
    return shapes


def _summary(el: etree._Element, changes: tuple[FacetChange, ...] = ()) -> ElementChange:
    return ElementChange(str(el.get("id")), _local(el), el.get("name"), changes)


def _compare(old: etree._Element, new: etree._Element) -> tuple[FacetChange, ...]:
    before, after = facets_of(old), facets_of(new)
    if _local(old) != _local(new):
        before["type"], after["type"] = _local(old), _local(new)
    keys = sorted(set(before) | set(after))
    return tuple(FacetChange(k, before.get(k), after.get(k)) for k in keys
                 if before.get(k) != after.get(k))


def diff_bpmn(old_xml: str | bytes, new_xml: str | bytes) -> DiagramDiff:
    """Compare two BPMN documents (read with the hardened parser) element by element."""
    trees = [parse_bpmn_bytes(x.encode("utf-8") if isinstance(x, str) else x, name,
                              MAX_DIFF_BYTES).getroot()
             for x, name in ((old_xml, "old.bpmn"), (new_xml, "new.bpmn"))]
    old, new = _elements(trees[0]), _elements(trees[1])
    result = DiagramDiff()
    result.added = [_summary(new[i]) for i in new if i not in old]
    result.removed = [_summary(old[i]) for i in old if i not in new]
    for element_id in (i for i in new if i in old):
        changes = _compare(old[element_id], new[element_id])
        if changes:
            result.changed.append(_summary(new[element_id], changes))
    layout_old, layout_new = _layout(trees[0]), _layout(trees[1])
    changed_ids = {c.element_id for c in result.changed}
    result.moved = sorted(i for i in new if i in old and i not in changed_ids
                          and layout_old.get(i) != layout_new.get(i))
    return result
