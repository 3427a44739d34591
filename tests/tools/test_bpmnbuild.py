"""The procedure compiler: what the engine accepts, what the drawing looks like, stability."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy.orm import Session

import handlers
from app.config import load_settings
from app.engine.clock import FixedClock, parse_instant
from app.engine.parsing import ParsedProcess, parse_bundle
from app.engine.run import Run
from app.engine.scripting import ZhuanjieEnvironment
from app.services import workflow
from tests.tools.bpmn_examples import FORMS, OPERATORS, all_examples, report, single, transfer
from tests.tools.diagram_checks import NS, structure_problems
from tools.bpmnbuild.dsl import Process
from tools.bpmnbuild.emit import to_xml
from tools.bpmnbuild.layout import layout

ROOT = Path(__file__).resolve().parents[2]
DECISION_FORM = {"type": "object", "properties": {"decision": {"type": "string"}}}


@pytest.fixture
def test_operators() -> Iterator[None]:
    """The operators the examples' service tasks name, registered for the lint."""
    for name in OPERATORS:
        handlers.register(name)(_noop)
    yield
    for name in OPERATORS:
        handlers.unregister(name)


def _noop(ctx: handlers.HandlerContext, params: dict[str, Any]) -> dict[str, Any]:
    return {}


def parse(session: Session, processes: list[Process]) -> list[ParsedProcess]:
    """Parse, validate and lint compiled processes the way workflow.check() does."""
    settings = load_settings(environ={})
    run = Run(session=session, clock=FixedClock(parse_instant("2026-03-02T09:00")),
              actor="system:check", config=workflow.engine_config(settings))
    files = {p.file: to_xml(p).encode("utf-8") for p in processes}
    return parse_bundle(files, max_bytes=settings.max_bpmn_bytes,
                        forms=dict.fromkeys(FORMS, DECISION_FORM),
                        operators=handlers.operators(),
                        evaluate=ZhuanjieEnvironment(run.functions()).dry_evaluate)


def tree(process: Process) -> etree._Element:
    return etree.fromstring(to_xml(process).encode("utf-8"))


def el(root: etree._Element, element_id: str) -> etree._Element:
    found = root.xpath("//*[@id=$id]", id=element_id)
    assert len(found) == 1, element_id
    return found[0]


def test_the_engine_parses_validates_and_lints_every_example(session: Session,
                                                             test_operators: None) -> None:
    parsed = {p.process_id: p for p in parse(session, all_examples())}
    assert set(parsed) == {"transfer", "report_in", "single"}
    spec = parsed["transfer"].spec
    assert {"apply", "approve", "remind", "expire", "report", "escalate"} <= set(spec.task_specs)
    assert "report_in" in parsed["transfer"].subprocess_specs  # the call activity resolves
    assert parsed["transfer"].forms == {"decision": DECISION_FORM}


def test_the_engine_refuses_what_its_lint_refuses(session: Session) -> None:
    from app.engine.problems import BpmnRefused

    # no handler registered for the example's operators: the lint names them
    with pytest.raises(BpmnRefused) as info:
        parse(session, [transfer(), report()])
    assert {p.element_id for p in info.value.problems} == {"notify", "land"}


@pytest.mark.parametrize("process", all_examples(), ids=lambda p: p.id)
def test_the_drawing_is_complete_and_tidy(process: Process) -> None:
    assert structure_problems(to_xml(process), process) == []


def test_output_is_deterministic_across_runs_and_hash_seeds() -> None:
    assert to_xml(transfer()) == to_xml(transfer())
    code = ("import sys; from tests.tools.bpmn_examples import transfer; "
            "from tools.bpmnbuild.emit import to_xml; sys.stdout.buffer.write("
            "to_xml(transfer()).encode())")
    outputs = {subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                              capture_output=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2", "3")}
    assert outputs == {to_xml(transfer()).encode("utf-8")}


def test_document_frame_namespaces_and_collaboration() -> None:
    xml = to_xml(transfer())
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions')
    root = etree.fromstring(xml.encode("utf-8"))
    assert {k: root.nsmap[k] for k in ("bpmn", "bpmndi", "dc", "di", "spiffworkflow", "xsi")}
    assert root.nsmap["spiffworkflow"] == "http://spiffworkflow.org/bpmn/schema/1.0/core"
    participant = root.find("bpmn:collaboration/bpmn:participant", NS)
    assert participant.get("name") == "党员组织关系转接"
    assert participant.get("processRef") == "transfer"
    process = root.find("bpmn:process", NS)
    assert (process.get("id"), process.get("name"), process.get("isExecutable")) == (
        "transfer", "组织关系转接（示例）", "true")
    assert process[0].tag.endswith("documentation") and process[1].tag.endswith("laneSet")
    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    assert plane.get("bpmnElement") == "transfer_collaboration"
    assert "\n    <bpmn:laneSet" in xml  # indented


def test_chinese_stays_readable_and_expressions_are_escaped() -> None:
    xml = to_xml(transfer())
    assert "填写电子介绍信" in xml and "&#" not in xml
    root = etree.fromstring(xml.encode("utf-8"))
    condition = el(root, "archive_ok__join").find("bpmn:conditionExpression", NS)
    assert condition.text == "decision == 'pass' and level != \"<none>\" & 1"
    assert condition.get(f"{{{NS_XSI}}}type") == "bpmn:tFormalExpression"
    assert "&lt;none&gt;&quot; &amp; 1" in xml or "&lt;none&gt;\" &amp; 1" in xml
    script = el(root, "escalate").find("bpmn:script", NS)
    assert script.text == "escalated = True\nlevel = 'top'"


NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"


def _props(task: etree._Element) -> dict[str, str]:
    return {p.get("name"): p.get("value") for p in task.iter(f"{SPIFF}property")}


def test_user_tasks_carry_only_the_properties_that_are_set() -> None:
    root = tree(transfer())
    assert _props(el(root, "apply")) == {"assignee": "branch_org", "role": "branch_secretary",
                                         "title": '"填写介绍信：" + member_name'}
    assert _props(el(root, "initiate")) == {
        "assignee": "initiator_org", "role": "operator", "form": "decision",
        "deadline_working_days": "5", "stage": "initiate"}
    approve = el(root, "approve")
    assert [etree.QName(c).localname for c in approve] == [
        "extensionElements", "incoming", "outgoing", "multiInstanceLoopCharacteristics"]
    assert approve.find(f"bpmn:extensionElements/{SPIFF}postScript", NS).text == \
        "level_done = level"
    apply = el(root, "apply")
    assert [etree.QName(c).localname for c in apply] == [
        "documentation", "extensionElements", "incoming", "incoming", "outgoing"]
    urge = el(tree(report()), "urge")
    assert urge.find(f"bpmn:extensionElements/{SPIFF}preScript", NS).text == "urged = True"


def test_multi_instance_has_the_shape_spiffworkflow_reads() -> None:
    loop = el(tree(transfer()), "approve").find("bpmn:multiInstanceLoopCharacteristics", NS)
    assert loop.get("isSequential") == "true"
    assert loop.get(f"{SPIFF}scriptsOnInstances") == "true"
    assert [(etree.QName(c).localname, c.text, c.get("id")) for c in loop] == [
        ("loopDataInputRef", "approvers", None), ("loopDataOutputRef", "approved", None),
        ("inputDataItem", None, "level"), ("outputDataItem", None, "level_done")]


def test_service_script_call_gateway_and_events() -> None:
    root = tree(transfer())
    operator = el(root, "notify").find(f"bpmn:extensionElements/{SPIFF}serviceTaskOperator", NS)
    assert (operator.get("id"), operator.get("resultVariable")) == ("test/notify", "notified")
    assert [(p.get("id"), p.get("type"), p.get("value"))
            for p in operator.iter(f"{SPIFF}parameter")] == [
        ("what", "any", '"overdue"'), ("level", "any", "level")]
    assert el(root, "land").find(f".//{SPIFF}serviceTaskOperator").get("resultVariable") is None
    assert el(root, "report").get("calledElement") == "report_in"
    assert el(root, "initiated").get("default") == "to_refused"
    assert el(root, "refused").find("bpmn:terminateEventDefinition", NS) is not None
    assert el(root, "done").find("bpmn:terminateEventDefinition", NS) is None
    remind, expire = el(root, "remind"), el(root, "expire")
    assert (remind.get("attachedToRef"), remind.get("cancelActivity")) == ("approve", "false")
    assert expire.get("cancelActivity") == "true"
    timer = expire.find("bpmn:timerEventDefinition/bpmn:timeDuration", NS)
    assert (timer.text, timer.get(f"{{{NS_XSI}}}type")) == ('"P30D"', "bpmn:tFormalExpression")
    assert remind.find("bpmn:timerEventDefinition/bpmn:timeDate", NS).text == \
        "deadline(working_days=5)"
    wait = el(tree(report()), "wait")
    assert etree.QName(wait).localname == "intermediateCatchEvent"
    flow = el(root, "send_back")
    assert (flow.get("name"), flow.get("sourceRef"), flow.get("targetRef")) == (
        "退回支部", "initiated", "apply")
    assert [c.text for c in el(root, "split").iterfind("bpmn:outgoing", NS)] == [
        "split__approve", "split__review"]


def test_lanes_list_their_nodes_and_boundaries_sit_in_their_tasks_lane() -> None:
    lanes = {lane.get("id"): [r.text for r in lane] for lane in
             tree(transfer()).iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}lane")}
    assert lanes["approving"] == ["approve", "remind", "notify", "reminded"]
    assert "expire" in lanes["receiver"]


def _starts(points: list[tuple[int, int]]) -> tuple[tuple[int, int], tuple[int, int]]:
    return points[0], points[1]


def test_edges_follow_the_house_style() -> None:
    d = layout(transfer())
    apply, initiate = d.shapes["apply"], d.shapes["initiate"]
    edge = d.edges["apply__initiate"]  # forward, other lane: right side out, left side in
    assert edge[0] == (apply.right, apply.cy) and edge[-1] == (initiate.x, initiate.cy)
    assert len(edge) == 4  # one bend pair
    straight = d.edges["start__apply"]
    assert len(straight) == 2 and straight[0][1] == straight[1][1]
    gw = d.shapes["initiated"]  # the send-back leaves the gateway's top, runs above it
    back = d.edges["send_back"]
    assert back[0] == (gw.cx, gw.y) and back[1][1] < gw.y
    assert back[-1] == (apply.cx, apply.bottom)
    remind = d.shapes["remind"]  # a boundary flow leaves downward
    down = d.edges["remind__notify"]
    assert down[0] == (remind.cx, remind.bottom) and down[1][0] == remind.cx
    assert down[1][1] > remind.bottom
    loop = d.edges["verify__review"]  # the rejection loop runs in the strips and gaps
    assert loop[0][1] == d.shapes["verify"].bottom


def test_columns_follow_the_longest_path_and_overrides_win() -> None:
    d = layout(transfer())
    xs = {n: d.shapes[n].cx for n in ("start", "apply", "initiate", "initiated", "split")}
    assert xs["start"] < xs["apply"] < xs["initiate"] < xs["initiated"] < xs["split"]
    assert d.shapes["approve"].cx == d.shapes["review"].cx  # both right after the split
    assert d.shapes["join"].cx > d.shapes["archive_ok"].cx
    base = single()
    moved = Process(base.id, base.name, base.participant, base.lanes,
                    [base.nodes[0], _replace(base.nodes[1], col=3, row=1), base.nodes[2]],
                    base.flows)
    plain, shifted = layout(base), layout(moved)
    assert shifted.shapes["t"].cx > plain.shapes["t"].cx
    assert shifted.shapes["t"].cy > plain.shapes["t"].cy
    assert shifted.shapes["e"].cx > shifted.shapes["t"].cx  # successors follow
    assert structure_problems(to_xml(moved), moved) == []


def _replace(node: Any, **changes: Any) -> Any:
    from dataclasses import replace

    return replace(node, **changes)


def test_labels_for_events_gateways_named_flows_and_lanes() -> None:
    d = layout(transfer())
    for owner in ("start", "initiated", "refused", "remind", "send_back", "to_refused"):
        assert owner in d.labels, owner
    assert "split" not in d.labels and "apply" not in d.labels  # unnamed; tasks inside
    pool = d.pool
    for lane in d.lanes.values():
        assert lane.x == pool.x + 30 and lane.right == pool.right
