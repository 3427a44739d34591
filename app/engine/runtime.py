"""Start, step and persist instances: the engine's use of SpiffWorkflow.

A step is: load the instance (row locked on PostgreSQL) → set a script engine with the
run's clock → change the workflow (start, complete a task, fire timers, retry) → run every
engine task until only user tasks and waiting events are left → persist the state, human
tasks, timers, incidents and audit events in the caller's transaction. The instance row's
version makes a concurrent update fail instead of being lost.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.engine import audit
from app.engine.clock import Clock
from app.engine.deployments import forms_of, newest, specs_of
from app.engine.forms import validate_form
from app.engine.run import EngineConfig, Run
from app.engine.serializer import STATE_SCHEMA, cached_specs, dump_state, load_state
from app.engine.sync import sync_human_tasks, sync_timers
from app.errors import Conflict, NotAllowed, NotFound
from app.models.engine import Deployment, HumanTask, Incident, Instance

MAX_ROUNDS = 50
ENDED = ("completed", "cancelled")


def _ready_engine_tasks(wf: BpmnWorkflow) -> list[Any]:
    return [t for t in wf.get_tasks(state=TaskState.READY) if not t.task_spec.manual]


def advance(run: Run, wf: BpmnWorkflow) -> None:
    """Fire due timers and run engine tasks until the workflow waits; failures → incidents."""
    for _ in range(MAX_ROUNDS):
        try:
            wf.refresh_timers()
            wf.do_engine_steps()
        except SpiffWorkflowException as exc:
            task = getattr(exc, "task", None)
            run.incident(task, exc)
            if task is None:
                return
            if task.state != TaskState.ERROR:
                task._set_state(TaskState.ERROR)
            continue
        if not _ready_engine_tasks(wf):
            return


def _store_incidents(run: Run) -> None:
    for guid, spec, kind, message in run.incidents:
        open_same = run.session.scalar(select(Incident.id).where(
            Incident.instance_id == run.instance_id, Incident.status == "open",
            Incident.task_guid == guid, Incident.message == message))
        if open_same is not None:
            continue
        run.session.add(Incident(instance_id=run.instance_id, task_guid=guid, task_spec=spec,
                                 error_type=kind, message=message, status="open",
                                 created_at=run.now()))
        run.record("incident", actor="system:engine", task_guid=guid, task_spec=spec,
                   comment=message, changes={"error_type": kind})


def _write(run: Run, row: Instance, wf: BpmnWorkflow) -> None:
    sync_human_tasks(run, wf)
    sync_timers(run, wf)
    _store_incidents(run)
    if wf.completed and row.status == "running":
        row.status, row.ended_at = "completed", run.now()
        run.record("instance_completed", actor="system:engine")
    # an instance that has ended keeps its state packed (read rarely, kept for good)
    row.state = dump_state(wf, packed=row.status in ENDED)
    row.state_schema = STATE_SCHEMA
    row.updated_at = run.now()
    audit.append_many(run.session, audit.instance_chain(row.id), [
        dict(at=run.now(), actor=ev.actor, action=ev.action, instance_id=row.id,
             task_guid=ev.task_guid, task_spec=ev.task_spec, comment=ev.comment,
             changes=ev.changes) for ev in run.events])
    run.events.clear()


def persist(run: Run, row: Instance, wf: BpmnWorkflow) -> None:
    """Write the workflow and everything derived from it in the run's session.

    The rows of the step are written by one flush (no autoflush in between: the sync reads
    every row of the instance once and goes by the rows' in-memory status), before the
    after-step hook reads them.
    """
    session = run.session
    try:
        with session.no_autoflush:
            _write(run, row, wf)
        session.flush()
        if run.config.after_step is not None:
            run.config.after_step(session, row, run.now())
            session.flush()
    except StaleDataError as exc:
        raise Conflict("案件已被他人同时办理，请刷新后重试") from exc


def load(run: Run, instance_id: int) -> tuple[Instance, BpmnWorkflow]:
    """The instance row (locked for update) and its restored workflow."""
    # the deployment's content hash comes with the locked row (only the instance is locked)
    found = run.session.execute(
        select(Instance, Deployment.content_hash)
        .join(Deployment, Deployment.id == Instance.deployment_id)
        .where(Instance.id == instance_id).with_for_update(of=Instance)).first()
    if found is None:
        raise NotFound(f"instance {instance_id} does not exist")
    row, run.deployment_hash = found
    spec, subs = specs_of(run.session, row.deployment_id, run.deployment_hash)
    wf = load_state(row.state, spec, subs)
    wf.script_engine = run.script_engine()
    run.instance_id = row.id
    return row, wf


def start(session: Session, config: EngineConfig, clock: Clock, process_id: str,
          data: dict[str, Any], actor: str,
          before_run: Callable[[Instance], None] | None = None) -> Instance:
    """Start the newest version of *process_id* with *data* and run it until it waits.

    *before_run* sees the new instance row (with its id) before the first step runs, so the
    caller can link its own records to it in the same transaction.
    """
    dep = newest(session, process_id)
    if dep is None:
        raise NotFound(f"process {process_id!r} is not deployed")
    run = Run(session=session, clock=clock, actor=actor, config=config)
    spec, subs = cached_specs(dep.content_hash, dep.spec_json)
    wf = BpmnWorkflow(spec, subs, script_engine=run.script_engine())
    wf.task_tree.data.update(json.loads(json.dumps(data)))
    row = Instance(deployment_id=dep.id, process_id=process_id, status="running", state="{}",
                   state_schema=STATE_SCHEMA, started_at=run.now(), started_by=actor,
                   updated_at=run.now())
    session.add(row)
    session.flush()
    run.instance_id = row.id
    if before_run is not None:
        before_run(row)
    run.record("instance_started", changes={"process_id": process_id, "version": dep.version,
                                            "data": data})
    advance(run, wf)
    persist(run, row, wf)
    return row


def _form_schema(run: Run, row: Instance, form: str | None) -> dict[str, Any] | None:
    if not form:
        return None
    forms = forms_of(run.session, row.deployment_id, run.deployment_hash)
    if form not in forms:
        raise NotFound(f"form {form!r} is not part of deployment {row.deployment_id}")
    schema: dict[str, Any] = forms[form]
    return schema


def _changes(before: dict[str, Any], submitted: dict[str, Any]) -> dict[str, Any]:
    return {k: {"old": before.get(k), "new": v} if k in before else {"new": v}
            for k, v in submitted.items()}


def _keep_decision(ht: HumanTask, data: dict[str, Any]) -> None:
    """Copy the conventional decision fields of a form onto the task row (for reports)."""
    for field, limit in (("decision", 32), ("reason_code", 40)):
        value = data.get(field)
        setattr(ht, field, str(value)[:limit] if value not in (None, "") else None)
    comment = data.get("comment")
    ht.comment = str(comment) if comment not in (None, "") else None


def complete_task(session: Session, config: EngineConfig, clock: Clock, task_id: int,
                  data: dict[str, Any], actor: str) -> HumanTask:
    """Complete an open human task with form data and run the instance on."""
    ht = session.get(HumanTask, task_id)
    if ht is None:
        raise NotFound(f"task {task_id} does not exist")
    run = Run(session=session, clock=clock, actor=actor, config=config)
    row, wf = load(run, ht.instance_id)
    session.refresh(ht)
    if ht.status != "open":
        raise Conflict(f"task {task_id} is already {ht.status}")
    if row.status != "running":
        raise NotAllowed(f"instance {row.id} is {row.status}; its tasks cannot be completed")
    task = wf.get_task_from_id(UUID(ht.task_guid))
    if task is None or task.state != TaskState.READY:
        raise Conflict(f"task {task_id} is no longer ready")
    accepted = validate_form(_form_schema(run, row, ht.form), data)
    changes = _changes(task.data, accepted)
    task.data.update(accepted)
    task.run()
    ht.status, ht.completed_at, ht.completed_by = "completed", run.now(), actor
    _keep_decision(ht, accepted)
    run.record("task_completed", task_guid=ht.task_guid, task_spec=ht.task_spec,
               comment=str(accepted.get("comment") or "") or None, changes=changes)
    advance(run, wf)
    persist(run, row, wf)
    return ht
