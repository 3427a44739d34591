"""The element diff of two BPMN documents."""

from __future__ import annotations

import pytest

from app.engine.diff import diff_bpmn, facets_of
from app.engine.problems import BpmnRefused

HEAD = ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
        'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d">')


def doc(process: str, x: int = 100) -> str:
    return (f'{HEAD}<bpmn:process id="p" isExecutable="true">{process}</bpmn:process>'
            '<bpmndi:BPMNDiagram id="dg"><bpmndi:BPMNPlane id="pl" bpmnElement="p">'
            f'<bpmndi:BPMNShape id="t_di" bpmnElement="t"><dc:Bounds x="{x}" y="10" '
            'width="100" height="80"/></bpmndi:BPMNShape></bpmndi:BPMNPlane>'
            '</bpmndi:BPMNDiagram></bpmn:definitions>')


TASK = ('<bpmn:userTask id="t" name="审批"><bpmn:extensionElements><spiffworkflow:properties>'
        '<spiffworkflow:property name="role" value="operator"/></spiffworkflow:properties>'
        '</bpmn:extensionElements><bpmn:incoming>f0</bpmn:incoming></bpmn:userTask>')


def test_same_document_has_no_differences() -> None:
    assert diff_bpmn(doc(TASK), doc(TASK)).empty


def test_layout_only_changes_are_reported_apart() -> None:
    diff = diff_bpmn(doc(TASK), doc(TASK, x=300))
    assert diff.moved == ["t"] and not diff.changed


def test_references_to_flows_do_not_make_a_change() -> None:
    other = TASK.replace("<bpmn:incoming>f0</bpmn:incoming>", "<bpmn:incoming>f9</bpmn:incoming>")
    assert diff_bpmn(doc(TASK), doc(other)).empty


def test_type_properties_and_timer_expressions_are_facets() -> None:
    manual = TASK.replace("userTask", "manualTask").replace('value="operator"',
                                                            'value="manager"')
    [change] = diff_bpmn(doc(TASK), doc(manual)).changed
    assert {(c.facet, c.old, c.new) for c in change.changes} == {
        ("type", "userTask", "manualTask"), ("property:role", "operator", "manager")}
    timer = ('<bpmn:boundaryEvent id="b" attachedToRef="t" cancelActivity="false">'
             '<bpmn:timerEventDefinition id="td"><bpmn:timeDate>deadline(working_days=3)'
             '</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>')
    later = timer.replace("working_days=3", "working_days=4")
    diff = diff_bpmn(doc(TASK + timer), doc(TASK + later))
    assert [(c.element_id, [(f.facet, f.new) for f in c.changes]) for c in diff.changed] == [
        ("b", [("timer:timeDate", "deadline(working_days=4)")])]
    added = diff_bpmn(doc(TASK), doc(TASK + timer)).added
    assert [(a.element_id, a.element_type) for a in added] == [("b", "boundaryEvent")]


def test_service_operator_parameters_and_documentation() -> None:
    service = ('<bpmn:serviceTask id="s"><bpmn:documentation>说明</bpmn:documentation>'
               '<bpmn:extensionElements><spiffworkflow:serviceTaskOperator id="notify/overdue">'
               '<spiffworkflow:parameters><spiffworkflow:parameter id="task" value="\'a\'"/>'
               '</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator>'
               '</bpmn:extensionElements></bpmn:serviceTask>')
    facets = facets_of(__import__("lxml.etree").etree.fromstring(
        f'{HEAD}{service}</bpmn:definitions>'.encode())[0])
    assert facets == {"documentation": "说明", "operator": "notify/overdue", "param:task": "'a'"}


def test_hostile_documents_are_refused() -> None:
    with pytest.raises(BpmnRefused, match="DOCTYPE"):
        diff_bpmn('<!DOCTYPE x [<!ENTITY e "e">]><x/>', doc(TASK))
