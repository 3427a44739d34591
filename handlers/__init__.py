"""Service tasks of the BPMN procedures: pure logic that never imports Flask."""
