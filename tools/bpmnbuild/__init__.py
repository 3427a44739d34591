"""Build the procedure diagrams of bpmn/ from compact Python definitions.

``python -m tools.bpmnbuild`` writes every diagram defined in tools/procedures/ to bpmn/
as standard BPMN 2.0 with diagram interchange (a participant with one lane per role, every
shape and edge laid out), so that it opens tidily in any BPMN modeler. The definitions use
the small vocabulary of :mod:`tools.bpmnbuild.dsl`.
"""
