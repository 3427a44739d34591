"""`zhuanjie doctor`: the consistency check of instances, their rows and the audit log."""

from __future__ import annotations

import click

from app.cli.common import CliContext, CliError, pass_ctx, print_json
from app.services import doctor


@click.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.option("--batch-size", default=doctor.BATCH_SIZE, show_default=True,
              help="Instances read per transaction.")
@pass_ctx
def doctor_cmd(ctx: CliContext, as_json: bool, batch_size: int) -> None:
    """Check every instance against its human tasks, timers and case, and every audit chain.

    Exit 0 when clean, 1 listing the problems; nothing is repaired.
    """
    if batch_size < 1:
        raise CliError("--batch-size must be at least 1")
    report = doctor.diagnose(ctx.engine, batch_size)
    if as_json:
        print_json(report.to_json())
    else:
        for p in report.problems:
            where = f"instance {p.instance_id}" if p.instance_id is not None else "system"
            case = f" case {p.case_number}" if p.case_number else ""
            click.echo(f"{where}{case}: {p.kind}: {p.detail}")
            if doctor.HINTS.get(p.kind):
                click.echo(f"    hint: {doctor.HINTS[p.kind]}")
        verdict = "clean" if report.clean else f"{len(report.problems)} problem(s)"
        click.echo(f"doctor: {report.instances} instance(s), {report.chains} audit chain(s): "
                   f"{verdict}")
    if not report.clean:
        raise SystemExit(1)


def register(cli: click.Group) -> None:
    """Add `zhuanjie doctor`."""
    cli.add_command(doctor_cmd)
