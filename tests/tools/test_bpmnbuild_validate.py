"""The compiler refuses unsound definitions with a message that names the element."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tools.bpmnbuild.dsl import (
    Boundary,
    End,
    Exclusive,
    Flow,
    Lane,
    MultiInstance,
    Node,
    Process,
    Start,
    TimerCatch,
    UserTask,
)
from tools.bpmnbuild.emit import to_xml
from tools.bpmnbuild.validate import BuildError


def base(nodes: list[Node] | None = None, flows: list[Flow] | None = None) -> Process:
    lanes = [Lane("l", "经办"), Lane("m", "审批")]
    nodes = nodes if nodes is not None else [
        Start("s", "", "l"), UserTask("t", "办理", "l", assignee="org"),
        Exclusive("g", "通过？", "m", default="g__e"), End("e", "", "m")]
    flows = flows if flows is not None else [
        Flow("s", "t"), Flow("t", "g"), Flow("g", "e"), Flow("g", "t", "退回", "x == 1")]
    return Process("p", "流程", "参与者", lanes, nodes, flows)


def problems(process: Process) -> list[str]:
    with pytest.raises(BuildError) as info:
        to_xml(process)
    assert str(info.value).startswith("process 'p' cannot be built:")
    return info.value.problems


def test_the_base_process_is_sound() -> None:
    assert "<bpmn:process" in to_xml(base())


def test_unknown_lane() -> None:
    p = base()
    p.nodes[1] = replace(p.nodes[1], lane="nowhere")
    assert problems(p) == ["node t is in unknown lane 'nowhere'"]


def test_duplicate_ids_across_nodes_lanes_and_flows() -> None:
    p = base()
    p.nodes.append(UserTask("t", "重复", "l", assignee="org"))
    p.lanes.append(Lane("s", "同名"))
    found = problems(p)
    assert "duplicate id 't' (node); ids must be unique in the file" in found
    assert "duplicate id 's' (lane); ids must be unique in the file" in found


def test_flow_ids_and_generated_ids_may_not_clash() -> None:
    p = base()
    p.flows.append(Flow("t", "e", id="p_collaboration"))
    p.nodes.append(End("t_di", "", "l"))
    p.flows.append(Flow("t", "t_di"))
    found = problems(p)
    assert "id 'p_collaboration' is reserved for the generated collaboration/diagram" in found
    assert "id t_di is taken; it is the diagram id of 't'" in found


def test_invalid_xml_ids() -> None:
    p = base()
    p.nodes.append(UserTask("2nd task", "x", "l", assignee="org"))
    assert any("'2nd task' is not a valid XML id" in m for m in problems(p))


def test_flows_to_and_from_unknown_nodes() -> None:
    p = base()
    p.flows += [Flow("g", "ghost"), Flow("phantom", "e")]
    found = problems(p)
    assert "flow g__ghost goes to unknown node 'ghost'" in found
    assert "flow phantom__e leaves unknown node 'phantom'" in found


def test_flows_into_a_start_or_out_of_an_end_or_onto_itself() -> None:
    p = base()
    p.flows += [Flow("e", "s"), Flow("t", "t")]
    found = problems(p)
    assert "flow e__s goes to s, which cannot have incoming flows" in found
    assert "flow e__s leaves end event e" in found
    assert "flow t__t loops from t to itself" in found


def test_boundary_attached_to_a_non_task() -> None:
    p = base()
    p.nodes += [Boundary("b", "", "", attached_to="g", expression="'P1D'"),
                End("late", "", "m")]
    p.flows.append(Flow("b", "late"))
    assert problems(p) == ["boundary event b is attached to 'g', which is not a task of "
                           "this process"]


def test_boundary_in_another_lane_than_its_task() -> None:
    p = base()
    p.nodes += [Boundary("b", "", "m", attached_to="t", expression="'P1D'"),
                End("late", "", "m")]
    p.flows.append(Flow("b", "late"))
    assert problems(p) == ["boundary event b is in lane 'm' but its task t is in lane 'l' "
                           "(leave the lane empty)"]


def test_at_most_three_boundaries_per_task() -> None:
    p = base()
    for i in range(4):
        p.nodes.append(Boundary(f"b{i}", "", "", attached_to="t", expression="'P1D'"))
        p.flows.append(Flow(f"b{i}", "e"))
    assert problems(p) == ["task t has 4 boundary events; at most 3 fit on its border"]


def test_default_flow_must_leave_its_gateway() -> None:
    p = base()
    p.nodes[2] = replace(p.nodes[2], default="s__t")
    assert problems(p) == ["default flow 's__t' of gateway g does not leave that gateway"]
    p.nodes[2] = replace(p.nodes[2], default="nothing")
    assert problems(p) == ["default flow 'nothing' of gateway g does not leave that gateway"]


def test_default_flow_has_no_condition() -> None:
    p = base()
    p.nodes[2] = replace(p.nodes[2], default="g__t")
    assert problems(p) == ["default flow 'g__t' of gateway g has a condition (a default "
                           "flow is taken when no condition holds)"]


def test_nodes_need_incoming_and_outgoing_flows() -> None:
    p = base()
    p.nodes.append(UserTask("lonely", "孤立", "l", assignee="org"))
    p.nodes.append(TimerCatch("wait", "等待", "l", expression="'P1D'"))
    p.flows.append(Flow("wait", "e"))
    found = problems(p)
    assert found == ["node lonely has no incoming flow", "node lonely has no outgoing flow",
                     "node wait has no incoming flow"]


def test_start_needs_no_incoming_and_end_no_outgoing() -> None:
    p = base([Start("s", "", "l"), End("e", "", "l")], [Flow("s", "e")])
    assert "<bpmn:startEvent" in to_xml(p)
    p = base([End("e", "", "l")], [])
    assert problems(p) == ["node e has no incoming flow", "the process has no start event"]


def test_timers_need_a_known_kind_and_an_expression() -> None:
    p = base()
    p.nodes.append(TimerCatch("wait", "等待", "l", kind="timeLater", expression=" "))
    p.flows += [Flow("g", "wait", condition="x == 2"), Flow("wait", "e")]
    assert problems(p) == ["timer wait has kind 'timeLater'; one of timeDate, timeDuration, "
                           "timeCycle", "timer wait has no expression"]


def test_multi_instance_collection_must_be_a_variable() -> None:
    p = base()
    mi = MultiInstance("route['levels']", "level")
    p.nodes[1] = replace(p.nodes[1], multi_instance=mi)
    assert problems(p) == ["multi-instance task t: collection \"route['levels']\" must be a "
                           "variable name"]
    p.nodes[1] = replace(p.nodes[1], multi_instance=MultiInstance("levels", "level",
                                                                  output_element="done"))
    assert problems(p) == ["multi-instance task t has an output element but no output "
                           "collection"]


def test_multi_instance_items_are_document_ids() -> None:
    # inputDataItem/@id is an xsd:ID: two tasks looping with the same element name clash
    p = base()
    p.nodes[1] = replace(p.nodes[1], multi_instance=MultiInstance("levels", "level"))
    p.nodes.insert(2, UserTask("u", "复核", "l", assignee="level",
                               multi_instance=MultiInstance("levels", "level")))
    p.flows[1:2] = [Flow("t", "u"), Flow("u", "g")]
    assert problems(p) == ["duplicate id 'level' (multi-instance element of t); ids must be "
                           "unique in the file",
                           "duplicate id 'level' (multi-instance element of u); ids must be "
                           "unique in the file"]


def test_explicit_rows_may_not_collide() -> None:
    p = base()
    p.nodes[0] = replace(p.nodes[0], col=0, row=0)
    p.nodes[1] = replace(p.nodes[1], col=0, row=0)
    assert problems(p) == ["nodes s and t both stand in lane 'l', column 0, row 0"]


def test_every_problem_is_reported_at_once() -> None:
    p = base()
    p.nodes[1] = replace(p.nodes[1], lane="nowhere")
    p.flows.append(Flow("g", "ghost"))
    assert len(problems(p)) == 2


def test_only_gateways_and_start_events_branch() -> None:
    # SpiffWorkflow refuses a task or an intermediate event with several outgoing flows
    p = base()
    p.flows.append(Flow("t", "e"))
    assert problems(p) == ["node t has 2 outgoing flows; only gateways branch (add an "
                           "exclusive or parallel gateway)"]
    p = base()
    p.flows.append(Flow("s", "e"))
    assert "<bpmn:startEvent" in to_xml(p)
