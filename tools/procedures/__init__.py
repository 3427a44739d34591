"""The procedure definitions that ``python -m tools.bpmnbuild`` compiles into bpmn/.

Each procedure is a :class:`tools.bpmnbuild.dsl.Process`; ``PROCESSES`` lists them all.
"""

from __future__ import annotations

from tools.bpmnbuild.dsl import Process

PROCESSES: list[Process] = []
