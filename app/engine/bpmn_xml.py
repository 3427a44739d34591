"""Hardened XML reading of BPMN files: no DTD, no entities, no network, a size limit.

A BPMN file never needs a document type declaration, so any DOCTYPE is refused before
the parser sees it; the parser itself is also configured not to resolve entities or load
anything, so an external entity (XXE) cannot read a local file and an entity bomb cannot
expand.
"""

from __future__ import annotations

import re

from lxml import etree

from app.engine.problems import BpmnRefused, Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NSMAP = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_comments=False,
    )


def _doctype_line(data: bytes, match: re.Match[bytes]) -> int:
    return data.count(b"\n", 0, match.start()) + 1


def parse_bpmn_bytes(data: bytes, filename: str, max_bytes: int) -> etree._ElementTree:
    """Parse *data* as a BPMN document or raise BpmnRefused naming the file and line."""
    if len(data) > max_bytes:
        raise BpmnRefused([Problem(filename, None, None,
                                   f"file is {len(data)} bytes; the limit is {max_bytes} bytes")])
    if not data.strip():
        raise BpmnRefused([Problem(filename, None, None, "file is empty")])
    match = _DOCTYPE.search(data)
    if match:
        raise BpmnRefused([Problem(filename, _doctype_line(data, match), None,
                                   "DOCTYPE and entity declarations are not allowed in BPMN")])
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        problem = Problem(filename, line, None, f"not well-formed XML: {exc.msg}")
        raise BpmnRefused([problem]) from exc
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise BpmnRefused([Problem(filename, root.sourceline, root.get("id"),
                                   f"not a BPMN 2.0 document (root element is {root.tag!r})")])
    return etree.ElementTree(root)


def element_at_line(tree: etree._ElementTree, line: int | None) -> str | None:
    """The id of the innermost element with an id that starts on *line* (for XSD messages)."""
    if line is None:
        return None
    found = None
    for el in tree.getroot().iter():
        if el.sourceline == line and el.get("id"):
            found = el.get("id")
    return found


def owning_id(el: etree._Element) -> str | None:
    """The id of *el* or of its nearest ancestor that has one."""
    node: etree._Element | None = el
    while node is not None:
        found = node.get("id")
        if found:
            return str(found)
        node = node.getparent()
    return None
