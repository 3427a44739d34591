"""state_kb_intra_finished: the stored workflow state of a finished intra-province case
with one send-back, in KB (PostgreSQL).

    .venv/bin/python -m bench.state_size [--pg URL] [--quick]

The case is run through the services as tests/procedures do: started by the branch,
initiated, approved at level 1, sent back at level 2 (to level 1), approved again at levels
1, 2 and 3, archive review passed, received (落地) and reported (报到) — then the instance
is completed. The figure is the state column's size as the application writes it (an
ended instance's state is packed: zlib and base64 of the JSON, which holds no spec); the
detail gives the JSON's own size, what PostgreSQL keeps on disk for the column
(``pg_column_size``) and the spec JSON stored once per deployment.
Baseline: the same case's state as the library writes it by default, spec included
(``BpmnWorkflowSerializer`` with SpiffWorkflow's own configuration).
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.event_definition import (
    TimerConditionalEventDefinitionConverter,
)
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from sqlalchemy import select, text

from app.db import session_scope
from app.engine.run import Run
from app.engine.runtime import load
from app.engine.serializer import PACKED, state_json
from app.engine.timers import CLOCK_TIMER_CLASSES
from app.models import Instance, TransferCase
from app.services.workflow import engine_config
from bench.common import (
    APPROVE,
    INITIATE,
    PASS,
    SEND_BACK,
    TARGET_BRANCH,
    World,
    at,
    emit,
    figure,
    log,
    make_world,
    parse_args,
    pg_database,
)

KB = 1024


def run_case(world: World) -> TransferCase:
    """The intra case with one send-back, to its end."""
    case = world.start(world.members(1)[0])
    world.do(case, "initiate", "op-CS-YL-JY-P1", "2026-03-02T10:00", INITIATE)
    world.do(case, "approve", "op-CS-YL-JY", "2026-03-02T11:00", APPROVE, org="CS-YL-JY")
    world.do(case, "approve", "op-CS-YL", "2026-03-02T12:00", SEND_BACK, org="CS-YL")
    for level, hour in (("CS-YL-JY", 14), ("CS-YL", 15), ("CS-YH", 16)):
        world.do(case, "approve", f"op-{level}", f"2026-03-02T{hour}:00", APPROVE, org=level)
    world.do(case, "archive_review", "op-CS-YH", "2026-03-04T10:00", PASS)
    world.do(case, "receive", "op-CS-YH-P1", "2026-03-05T10:00",
             {"target_branch": TARGET_BRANCH, "record_checked": True})
    world.do(case, "report", f"sec-{TARGET_BRANCH}", "2026-03-09T10:00",
             {"reported_on": "2026-03-09"})
    return case


def _library_default_size(world: World, instance_id: int) -> int:
    """The state as SpiffWorkflow serializes it by default (spec included), in bytes."""
    config = dict(SPIFF_CONFIG)
    for cls in CLOCK_TIMER_CLASSES:  # the engine's clock-aware timers, as the library's
        config[cls] = TimerConditionalEventDefinitionConverter
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))
    with session_scope(world.engine) as s:
        run = Run(session=s, clock=at("2026-03-10T00:00"), actor="bench",
                  config=engine_config(world.settings))
        _, wf = load(run, instance_id)
        return len(serializer.serialize_json(wf).encode("utf-8"))


def main() -> None:
    """Run the case, measure, print the figure."""
    args = parse_args(__doc__)
    world = make_world(pg_database(args.pg, "zj_bench_state_size"))
    case = run_case(world)
    with session_scope(world.engine) as s:
        row = s.get(Instance, case.instance_id)
        status = s.scalar(select(TransferCase.status).where(TransferCase.id == case.id))
        assert row is not None
        if row.status != "completed" or status != "completed":
            raise RuntimeError(f"the case did not finish: {row.status}/{status}")
        plain = len(state_json(row.state).encode("utf-8"))
        stored, on_disk = s.execute(text(
            "SELECT octet_length(state), pg_column_size(state) FROM instance WHERE id = :i"),
            {"i": row.id}).one()
        specs = s.execute(text(
            "SELECT process_id, octet_length(spec_json), pg_column_size(spec_json) "
            "FROM deployment ORDER BY process_id")).all()
    default = _library_default_size(world, row.id)
    log(f"state {stored} bytes ({on_disk} on disk), library default {default}")
    intra = next(s for s in specs if s[0] == "intra_province")
    emit({"state_kb_intra_finished": figure(
        round(stored / KB, 2), "KB", 20, "<=",
        {"name": "the same state as SpiffWorkflow serializes it by default (spec included)",
         "value": round(default / KB, 2), "unit": "KB"},
        state_bytes=stored, state_json_bytes=plain, packed=row.state.startswith(PACKED),
        state_on_disk_bytes=on_disk,
        spec_kb_intra_province=round(intra[1] / KB, 1),
        spec_on_disk_kb_intra_province=round(intra[2] / KB, 1),
        spec_kb_by_process={p: round(n / KB, 1) for p, n, _ in specs},
        case="intra, CS-YL-JY-P1-B1 → CS-YH-P1-B1, one send-back at level 2, reported",
        quick=args.quick)})


if __name__ == "__main__":
    main()
