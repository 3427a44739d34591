"""`zhuanjie timers|scheduler|instances|audit`: running and inspecting instances."""

from __future__ import annotations

import click

from app.cli.common import CliContext, CliError, pass_ctx, print_json, refusals
from app.engine import audit
from app.engine.clock import FixedClock, SystemClock, parse_instant
from app.services import workflow


@click.group("timers")
def timers_group() -> None:
    """Timers."""


@timers_group.command("fire")
@click.option("--as-of", "as_of", help="Treat this ISO instant as now (2026-02-27T00:00+08:00).")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
@refusals
def fire_cmd(ctx: CliContext, as_of: str | None, as_json: bool) -> None:
    """Fire every timer due now (or at --as-of) and flag overdue tasks."""
    if as_of is None:
        clock: FixedClock | SystemClock = SystemClock()
    else:
        try:
            clock = FixedClock(parse_instant(as_of))
        except ValueError as exc:
            raise CliError(f"--as-of is not an ISO date-time: {as_of!r}") from exc
    result = workflow.fire_timers(ctx.engine, ctx.settings, clock)
    if as_json:
        print_json({"as_of": clock.now().isoformat(), **result.to_json()})
    else:
        click.echo(f"{result.timers_fired} timer(s) fired in {result.instances} instance(s); "
                   f"{result.overdue_marked} task(s) newly overdue")
    if result.errors:
        raise CliError("; ".join(result.errors))


@click.command("scheduler")
@pass_ctx
def scheduler_cmd(ctx: CliContext) -> None:
    """Run the timer sweep every few seconds; SIGTERM/SIGINT stop it after the sweep in
    progress (exit 0)."""
    from app.scheduler import run_blocking

    run_blocking(ctx.settings)


@click.group("instances")
def instances_group() -> None:
    """Process instances."""


@instances_group.command("show")
@click.argument("instance_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
@refusals
def show_cmd(ctx: CliContext, instance_id: int, as_json: bool) -> None:
    """Status, version, open tasks, history and incidents of an instance."""
    with ctx.session() as session:
        detail = workflow.instance_detail(session, instance_id)
    if as_json:
        print_json(detail)
        return
    click.echo(f"instance {detail['id']} {detail['process_id']} v{detail['deployment']['version']}"
               f": {detail['status']}")
    for t in detail["open_tasks"]:
        click.echo(f"  task {t['id']} {t['title']} → {t['org']} due {t['due_at'] or '-'}")
    for i in detail["incidents"]:
        click.echo(f"  incident {i['id']} [{i['status']}] {i['task']}: {i['message']}")


@instances_group.command("retry")
@click.argument("instance_id", type=int)
@click.option("--as", "username", required=True)
@pass_ctx
@refusals
def retry_cmd(ctx: CliContext, instance_id: int, username: str) -> None:
    """Run the failed tasks of an instance again."""
    with ctx.session(write=True) as session:
        resolved = workflow.retry_instance(session, ctx.settings, SystemClock(), instance_id,
                                           username)
    click.echo(f"{resolved} incident(s) resolved")


@click.group("audit")
def audit_group() -> None:
    """The audit log."""


@audit_group.command("verify")
@pass_ctx
def verify_cmd(ctx: CliContext) -> None:
    """Check every hash chain of the audit log; exit 1 naming the first altered event."""
    with ctx.session() as session:
        faults = audit.verify(session)
    if faults:
        for fault in faults:
            click.echo(f"altered: {fault}", err=True)
        raise SystemExit(1)
    click.echo("audit log verified: every chain is intact")


def register(cli: click.Group) -> None:
    """Add the operations commands to the command group."""
    for command in (timers_group, scheduler_cmd, instances_group, audit_group):
        cli.add_command(command)
