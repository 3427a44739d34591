"""Random procedures: every one the vocabulary allows compiles to a tidy, parseable diagram.

The generator builds connected processes over 1–4 lanes with tasks, gateways, timers,
boundary events (interrupting or not, up to three per task), extra forward flows, loops and
send-backs, and now and then an explicit column or row. Each must pass the engine's parse,
XSD and lint, and the structural checks of diagram_checks (no overlap, no edge through a
shape, everything inside the pool, boundaries on their task's border, labels clear of
shapes). Derandomized, so a run in CI is the run on a developer's machine.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engine.clock import FixedClock, parse_instant
from app.engine.parsing import parse_bundle
from app.engine.scripting import ZhuanjieEnvironment, clock_functions
from tests.tools.diagram_checks import structure_problems
from tools.bpmnbuild.dsl import (
    Boundary,
    End,
    Exclusive,
    Flow,
    Lane,
    Node,
    Parallel,
    Process,
    ScriptTask,
    ServiceTask,
    Start,
    TimerCatch,
    UserTask,
)
from tools.bpmnbuild.emit import to_xml

KINDS = ("user", "user", "service", "script", "exclusive", "parallel", "timer")
NAMES = ("", "同意", "退回修改", "不予转接并通知发起党委", "overdue")
TASKS = (UserTask, ServiceTask, ScriptTask)


def _node(kind: str, node_id: str, lane: str, name: str) -> Node:
    if kind == "user":
        return UserTask(node_id, name or "办理", lane, assignee="org")
    if kind == "service":
        return ServiceTask(node_id, name or "服务", lane, operator="test/random")
    if kind == "script":
        return ScriptTask(node_id, name or "脚本", lane, script="x = 1")
    if kind == "exclusive":
        return Exclusive(node_id, name, lane)
    if kind == "parallel":
        return Parallel(node_id, "", lane)
    return TimerCatch(node_id, name, lane, kind="timeDuration", expression='"P1D"')


def _capacity(node: Node) -> int:
    return 3 if isinstance(node, Exclusive | Parallel) else 1  # only gateways branch


@st.composite
def processes(draw: st.DrawFn) -> Process:
    lanes = [Lane(f"lane{i}", f"泳道{i}") for i in range(draw(st.integers(1, 4)))]

    def lane() -> str:
        return lanes[draw(st.integers(0, len(lanes) - 1))].id

    def pick(items: list[str]) -> str:
        return items[draw(st.integers(0, len(items) - 1))]

    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=11))
    nodes: list[Node] = [Start("n0", "开始", lanes[0].id)]
    nodes += [_node(k, f"n{i}", lane(), draw(st.sampled_from(NAMES)))
              for i, k in enumerate(kinds, 1)]
    spare = {n.id: _capacity(n) for n in nodes}
    edges: list[tuple[str, str]] = []
    for node in nodes[1:]:  # each node hangs below an earlier one with room for a flow
        parent = pick([n.id for n in nodes if spare[n.id] and int(n.id[1:]) < int(node.id[1:])])
        edges.append((parent, node.id))
        spare[parent] -= 1
    dangling = [n.id for n in nodes if spare[n.id] == _capacity(n)]
    ends = [End(f"e{i}", draw(st.sampled_from(NAMES)), lane(), terminate=draw(st.booleans()))
            for i in range(min(len(dangling), draw(st.integers(1, 2))))]
    middle = [n.id for n in nodes[1:]]
    for k, source in enumerate(dangling):  # loops and send-backs come from here too
        others = [m for m in middle if m != source] + [e.id for e in ends]
        edges.append((source, ends[k].id if k < len(ends) else pick(others)))
        spare[source] -= 1
    for node in nodes[1:]:  # gateways may branch further
        while spare[node.id] and draw(st.integers(0, 2)) == 0:
            edges.append((node.id, pick([m for m in middle if m != node.id]
                                        + [e.id for e in ends])))
            spare[node.id] -= 1
    nodes += ends
    for node in list(nodes):
        if isinstance(node, TASKS) and draw(st.integers(0, 3)) == 0:
            for k in range(draw(st.integers(1, 3))):
                bid = f"{node.id}_b{k}"
                nodes.append(Boundary(bid, draw(st.sampled_from(NAMES)), "",
                                      attached_to=node.id, kind="timeDuration",
                                      expression='"P2D"', interrupting=draw(st.booleans())))
                edges.append((bid, pick(middle + [e.id for e in ends])))
    edges = list(dict.fromkeys(edges))
    flows = [Flow(u, v, draw(st.sampled_from(NAMES)) or None, id=f"f{k}")
             for k, (u, v) in enumerate(edges)]
    for i, node in enumerate(nodes):
        if i and draw(st.integers(0, 9)) == 0 and not isinstance(node, Boundary):
            nodes[i] = _with(node, col=draw(st.integers(0, 8)))
    return _conditions(Process("random", "随机流程", "随机", lanes, nodes, flows))


def _with(node: Node, **changes: object) -> Node:
    from dataclasses import replace

    return replace(node, **changes)  # type: ignore[arg-type]


def _conditions(process: Process) -> Process:
    """Every flow out of an exclusive gateway gets a condition, except its default."""
    for i, node in enumerate(process.nodes):
        if not isinstance(node, Exclusive):
            continue
        out = [k for k, f in enumerate(process.flows) if f.source == node.id]
        for n, k in enumerate(out[1:], 1):
            f = process.flows[k]
            process.flows[k] = Flow(f.source, f.target, f.name, f"x == {n}", f.id)
        if out:
            process.nodes[i] = _with(node, default=process.flows[out[0]].flow_id)
    return process


EVALUATE = ZhuanjieEnvironment(clock_functions(FixedClock(parse_instant("2026-03-02T09:00")))
                               ).dry_evaluate


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(processes())
def test_random_procedures_compile_to_tidy_diagrams_the_engine_accepts(process: Process
                                                                       ) -> None:
    xml = to_xml(process)
    assert structure_problems(xml, process) == []
    assert to_xml(process) == xml
    parsed = parse_bundle({"random.bpmn": xml.encode("utf-8")}, max_bytes=2_000_000, forms={},
                          operators=frozenset({"test/random"}), evaluate=EVALUATE)
    assert [p.process_id for p in parsed] == ["random"]
