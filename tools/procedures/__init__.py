"""The procedures of PROCEDURES.md as definitions for tools.bpmnbuild, and their forms."""

from __future__ import annotations

from tools.bpmnbuild.dsl import Process
from tools.procedures import (
    cross_province_in,
    cross_province_out,
    intra_province,
    level_approval,
    out_of_system,
    report_in,
    whole_unit,
)
from tools.procedures.forms import FORMS

PROCESSES: list[Process] = [
    module.build()
    for module in (intra_province, level_approval, report_in, cross_province_out,
                   cross_province_in, whole_unit, out_of_system)
]

__all__ = ["FORMS", "PROCESSES"]
