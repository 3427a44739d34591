"""`zhuanjie deploy|check|process|tasks|instances|audit`: the workflow engine's commands."""

from __future__ import annotations

import click

from app.cli.common import (
    CliContext,
    cli_actor,
    parse_json_object,
    pass_ctx,
    print_json,
    refusals,
)
from app.engine.clock import SystemClock
from app.services import tasks as task_service
from app.services import workflow


@click.command("deploy")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--as", "username", help="Who deploys (recorded in the audit log).")
@click.option("--note", help="Why this version is deployed.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@refusals
def deploy_cmd(ctx: CliContext, files: tuple[str, ...], username: str | None, note: str | None,
               as_json: bool) -> None:
    """Deploy FILES (default: every file in bpmn/) as new process versions."""
    with ctx.session(write=True) as session:
        found = workflow.bpmn_files(ctx.settings, files)
        results = workflow.deploy(session, ctx.settings, SystemClock(), found,
                                  cli_actor(username), note)
    if as_json:
        print_json({"deployed": [r.to_json() for r in results]})
        return
    for r in results:
        state = "new version" if r.created else "unchanged"
        click.echo(f"{r.process_id}: version {r.version} ({state})")


@click.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@pass_ctx
@refusals
def check_cmd(ctx: CliContext, files: tuple[str, ...]) -> None:
    """Validate and lint FILES (default: bpmn/) without deploying them."""
    with ctx.session() as session:
        processes = workflow.check(session, ctx.settings, SystemClock(),
                                   workflow.bpmn_files(ctx.settings, files))
    for proc in processes:
        click.echo(f"{proc.file_name}: process {proc.process_id} is valid")


@click.group("process")
def process_group() -> None:
    """Process instances."""


@process_group.command("start")
@click.argument("process_id")
@click.option("--data", help="Start data as a JSON object.")
@click.option("--as", "username", required=True, help="The user who starts it.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
@refusals
def start_cmd(ctx: CliContext, process_id: str, data: str | None, username: str,
              as_json: bool) -> None:
    """Start the newest version of PROCESS_ID."""
    values = parse_json_object(data)
    with ctx.session(write=True) as session:
        row = workflow.start_process(session, ctx.settings, SystemClock(), process_id, values,
                                     username)
        detail = workflow.instance_detail(session, row.id)
    if as_json:
        print_json(detail)
    else:
        click.echo(f"instance {row.id} started ({row.status})")


@click.group("tasks")
def tasks_group() -> None:
    """Human tasks."""


@tasks_group.command("list")
@click.option("--org", "org_code", help="Only tasks of this organisation.")
@click.option("--instance", "instance_id", type=int, help="Only tasks of this instance.")
@click.option("--status", type=click.Choice(["open", "completed", "cancelled", "all"]),
              default="open", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
@refusals
def list_cmd(ctx: CliContext, org_code: str | None, instance_id: int | None, status: str,
             as_json: bool) -> None:
    """List human tasks, the soonest due first."""
    with ctx.session() as session:
        rows = workflow.list_tasks(session, org_code, instance_id, status)
    if as_json:
        print_json({"tasks": rows})
        return
    for t in rows:
        mark = " 已超期" if t["overdue"] else ""
        click.echo(f"{t['id']}\t{t['instance_id']}\t{t['org']}\t{t['title']}\t"
                   f"{t['due_at'] or '-'}{mark}")


@tasks_group.command("complete")
@click.argument("task_id", type=int)
@click.option("--as", "username", required=True)
@click.option("--data", help="Form data as a JSON object.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
@refusals
def complete_cmd(ctx: CliContext, task_id: int, username: str, data: str | None,
                 as_json: bool) -> None:
    """Complete TASK_ID with form data."""
    values = parse_json_object(data)
    with ctx.session(write=True) as session:
        task = task_service.complete_task(session, ctx.settings, SystemClock(), task_id,
                                          username, values)
        detail = workflow.instance_detail(session, task.instance_id)
    if as_json:
        print_json({"task_id": task_id, "status": task.status, "instance": detail})
    else:
        click.echo(f"task {task_id} completed; instance {detail['id']} is {detail['status']}")


def register(cli: click.Group) -> None:
    """Add the engine commands to the command group."""
    for command in (deploy_cmd, check_cmd, process_group, tasks_group):
        cli.add_command(command)
