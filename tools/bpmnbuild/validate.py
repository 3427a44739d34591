"""Checks on a procedure definition before anything is emitted.

Every mistake the vocabulary allows but BPMN (or the layout) does not is reported at once,
naming the process and the element, so that the author fixes the definition rather than
reading an XSD message about generated XML.
"""

from __future__ import annotations

import re
from collections import Counter

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

TASK_TYPES = (UserTask, ServiceTask, ScriptTask, CallActivity)
TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")
MAX_BOUNDARIES = 3  # the layout spreads at most three events along a task's bottom border
# xsd:ID is an NCName: a letter or underscore first, then letters, digits, . - _ (no colon)
_NCNAME = re.compile(r"^[^\W\d][\w.\-]*$")


class BuildError(ValueError):
    """A procedure definition that cannot be compiled; ``problems`` lists every reason."""

    def __init__(self, process_id: str, problems: list[str]) -> None:
        self.process_id = process_id
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"process {process_id!r} cannot be built:\n{lines}")


def generated_ids(process: Process) -> dict[str, str]:
    """The ids the emitter adds around the user's elements (they must not clash either)."""
    parts = ("definitions", "collaboration", "participant", "lanes", "diagram", "plane")
    return {part: f"{process.id}_{part}" for part in parts}


def lane_of(process: Process, node: Node) -> str:
    """The lane a node is drawn in: a boundary event lives in its task's lane."""
    if isinstance(node, Boundary):
        task = next((n for n in process.nodes if n.id == node.attached_to), None)
        return task.lane if task is not None else node.lane
    return node.lane


def _all_ids(process: Process) -> list[tuple[str, str]]:
    ids = [(process.id, "process")]
    ids += [(lane.id, "lane") for lane in process.lanes]
    ids += [(node.id, "node") for node in process.nodes]
    ids += [(flow.flow_id, "flow") for flow in process.flows]
    for node in process.nodes:
        mi = node.multi_instance if isinstance(node, UserTask) else None
        if mi is not None:
            ids.append((mi.element, f"multi-instance element of {node.id}"))
            if mi.output_element:
                ids.append((mi.output_element, f"multi-instance output element of {node.id}"))
    return ids


def _check_ids(process: Process) -> list[str]:
    problems: list[str] = []
    ids = _all_ids(process)
    for value, what in ids:
        if not value or not _NCNAME.match(value):
            problems.append(f"{what} id {value!r} is not a valid XML id (letters, digits, "
                            "_ . - and no leading digit)")
    counts = Counter(value for value, _ in ids)
    for value, what in ids:
        if counts[value] > 1:
            problems.append(f"duplicate id {value!r} ({what}); ids must be unique in the file")
    taken = set(counts)
    generated = generated_ids(process)
    problems += [f"id {gen!r} is reserved for the generated collaboration/diagram"
                 for gen in generated.values() if gen in taken]
    # every drawn element gets a diagram element "<id>_di"
    drawn = [value for value, what in ids if what in ("lane", "node", "flow")]
    drawn.append(generated["participant"])
    problems += [f"id {value}_di is taken; it is the diagram id of {value!r}"
                 for value in drawn if f"{value}_di" in taken]
    return list(dict.fromkeys(problems))


def _check_node(process: Process, node: Node, nodes: dict[str, Node]) -> list[str]:
    lanes = {lane.id for lane in process.lanes}
    problems: list[str] = []
    if isinstance(node, Boundary):
        task = nodes.get(node.attached_to)
        if not isinstance(task, TASK_TYPES):
            return [f"boundary event {node.id} is attached to {node.attached_to!r}, "
                    "which is not a task of this process"]
        if node.lane and node.lane != task.lane:
            problems.append(f"boundary event {node.id} is in lane {node.lane!r} but its task "
                            f"{task.id} is in lane {task.lane!r} (leave the lane empty)")
    elif node.lane not in lanes:
        problems.append(f"node {node.id} is in unknown lane {node.lane!r}")
    if isinstance(node, TimerCatch | Boundary):
        if node.kind not in TIMER_KINDS:
            problems.append(f"timer {node.id} has kind {node.kind!r}; one of "
                            f"{', '.join(TIMER_KINDS)}")
        if not node.expression.strip():
            problems.append(f"timer {node.id} has no expression")
    if isinstance(node, ServiceTask) and not node.operator:
        problems.append(f"service task {node.id} has no operator")
    if isinstance(node, CallActivity) and not node.called:
        problems.append(f"call activity {node.id} names no process to call")
    if isinstance(node, ScriptTask) and not node.script.strip():
        problems.append(f"script task {node.id} has no script")
    if isinstance(node, UserTask) and node.multi_instance is not None:
        mi = node.multi_instance
        if not _NCNAME.match(mi.collection or ""):
            problems.append(f"multi-instance task {node.id}: collection {mi.collection!r} "
                            "must be a variable name")
        if mi.output_element and not mi.output_collection:
            problems.append(f"multi-instance task {node.id} has an output element but no "
                            "output collection")
        if mi.output_collection and not _NCNAME.match(mi.output_collection):
            problems.append(f"multi-instance task {node.id}: output collection "
                            f"{mi.output_collection!r} must be a variable name")
    if (node.col is not None and node.col < 0) or (node.row is not None and node.row < 0):
        problems.append(f"node {node.id} has a negative col/row")
    return problems


def _check_flow(flow: Flow, nodes: dict[str, Node]) -> list[str]:
    problems = [f"flow {flow.flow_id} {end} unknown node {ref!r}"
                for end, ref in (("leaves", flow.source), ("goes to", flow.target))
                if ref not in nodes]
    if problems:
        return problems
    source, target = nodes[flow.source], nodes[flow.target]
    if isinstance(target, Start | Boundary):
        problems.append(f"flow {flow.flow_id} goes to {target.id}, which cannot have incoming "
                        "flows")
    if isinstance(source, End):
        problems.append(f"flow {flow.flow_id} leaves end event {source.id}")
    if flow.source == flow.target:
        problems.append(f"flow {flow.flow_id} loops from {source.id} to itself")
    return problems


def _check_gateways(process: Process, nodes: dict[str, Node]) -> list[str]:
    flows = {f.flow_id: f for f in process.flows}
    problems: list[str] = []
    for node in process.nodes:
        if not isinstance(node, Exclusive) or node.default is None:
            continue
        flow = flows.get(node.default)
        if flow is None or flow.source != node.id:
            problems.append(f"default flow {node.default!r} of gateway {node.id} does not "
                            "leave that gateway")
        elif flow.condition:
            problems.append(f"default flow {node.default!r} of gateway {node.id} has a "
                            "condition (a default flow is taken when no condition holds)")
    return problems


def _check_connected(process: Process) -> list[str]:
    sources = Counter(f.source for f in process.flows)
    targets = Counter(f.target for f in process.flows)
    attached = Counter(n.attached_to for n in process.nodes if isinstance(n, Boundary))
    problems: list[str] = []
    for node in process.nodes:
        if not isinstance(node, Start | Boundary) and not targets[node.id]:
            problems.append(f"node {node.id} has no incoming flow")
        if not isinstance(node, End) and not sources[node.id]:
            problems.append(f"node {node.id} has no outgoing flow")
        if sources[node.id] > 1 and not isinstance(node, Start | Exclusive | Parallel):
            # SpiffWorkflow refuses it: only gateways (and start events) may branch
            problems.append(f"node {node.id} has {sources[node.id]} outgoing flows; only "
                            "gateways branch (add an exclusive or parallel gateway)")
        if attached[node.id] > MAX_BOUNDARIES:
            problems.append(f"task {node.id} has {attached[node.id]} boundary events; at most "
                            f"{MAX_BOUNDARIES} fit on its border")
    if not any(isinstance(n, Start) for n in process.nodes):
        problems.append("the process has no start event")
    return problems


def validate(process: Process) -> None:
    """Raise BuildError listing every problem of *process*; return quietly when it is sound."""
    nodes = {n.id: n for n in process.nodes}
    problems = _check_ids(process)
    if not process.lanes:
        problems.append("the process has no lane")
    for node in process.nodes:
        problems += _check_node(process, node, nodes)
    for flow in process.flows:
        problems += _check_flow(flow, nodes)
    problems += _check_gateways(process, nodes)
    problems += _check_connected(process)
    if problems:
        raise BuildError(process.id, problems)
