"""Use cases of the workflow engine: deploy diagrams, start processes, fire timers, retry.

Every function takes an explicit session (the caller commits) and the settings; the engine
config built here is how the engine reaches the working-day calendar.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import handlers
from app.config import Settings
from app.engine import operations, runtime
from app.engine.clock import Clock
from app.engine.deployments import DeployResult, store
from app.engine.parsing import load_forms, parse_bundle
from app.engine.recompute import recompute_provisional
from app.engine.run import EngineConfig, Run
from app.engine.scripting import ZhuanjieEnvironment
from app.engine.sweep import SweepResult, sweep
from app.errors import NotFound
from app.models.engine import Deployment, HumanTask, Incident, Instance, Timer
from app.models.org import Org
from app.services.actors import active_user
from app.services.calendar import current_calendar, on_official_year


@functools.cache
def _config(settings: Settings) -> EngineConfig:
    from app.services.cases import project_case

    return EngineConfig(calendar_loader=current_calendar, settings=settings,
                        after_step=project_case)


@on_official_year
def _recompute_on_calendar_change(session: Session, year: int) -> int:
    """Official days were entered for *year*: recount the deadlines that guessed them."""
    from app.services.cases import project_case

    config = EngineConfig(calendar_loader=current_calendar, after_step=project_case)
    return recompute_provisional(session, config, year)


def engine_config(settings: Settings) -> EngineConfig:
    """The engine configuration of this installation."""
    return _config(settings)


def bpmn_files(settings: Settings, paths: Iterable[str | Path] = ()) -> dict[str, bytes]:
    """The named files, or every ``*.bpmn`` of the configured directory, by file name."""
    chosen = [Path(p) for p in paths] or sorted(settings.path(settings.bpmn_dir).glob("*.bpmn"))
    files: dict[str, bytes] = {}
    for path in chosen:
        if not path.is_file():
            raise NotFound(f"no such file: {path}")
        files[path.name] = path.read_bytes()
    return files


def check(session: Session, settings: Settings, clock: Clock, files: dict[str, bytes],
          forms: Mapping[str, Any] | None = None) -> list[Any]:
    """Parse, validate and lint *files*; the parsed processes or BpmnRefused.

    *forms* (name → schema) defaults to the forms of the configured bpmn/forms/ folder;
    the diagram editor passes the forms of the database and of the draft instead.
    """
    run = Run(session=session, clock=clock, actor="system:check", config=engine_config(settings))
    env = ZhuanjieEnvironment(run.functions())
    if forms is None:
        forms = load_forms(settings.path(settings.bpmn_dir) / "forms")
    return parse_bundle(files, max_bytes=settings.max_bpmn_bytes, forms=forms,
                        operators=handlers.operators(), evaluate=env.dry_evaluate)


def deploy(session: Session, settings: Settings, clock: Clock, files: dict[str, bytes],
           actor: str, note: str | None = None,
           forms: Mapping[str, Any] | None = None) -> list[DeployResult]:
    """Check *files* and store each process as a version (unchanged content is kept)."""
    processes = check(session, settings, clock, files, forms)
    return store(session, processes, actor=actor, now=clock.now(), note=note)


def start_process(session: Session, settings: Settings, clock: Clock, process_id: str,
                  data: dict[str, Any], username: str) -> Instance:
    """Start the newest version of *process_id* as *username*."""
    user = active_user(session, username)
    return runtime.start(session, engine_config(settings), clock, process_id, data,
                         user.username)


def fire_timers(engine: Engine, settings: Settings, clock: Clock) -> SweepResult:
    """Fire every timer due at the clock's instant and flag overdue tasks."""
    return sweep(engine, engine_config(settings), clock)


def retry_instance(session: Session, settings: Settings, clock: Clock, instance_id: int,
                   username: str) -> int:
    """Retry the failed tasks of an instance; the number of incidents resolved."""
    user = active_user(session, username)
    return operations.retry(session, engine_config(settings), clock, instance_id, user.username)


def _task_json(row: HumanTask, org_code: str | None) -> dict[str, Any]:
    return {"id": row.id, "instance_id": row.instance_id, "task": row.task_spec,
            "title": row.title, "org": org_code, "role": row.role, "form": row.form,
            "status": row.status, "created_at": row.created_at.isoformat(),
            "due_at": row.due_at.isoformat() if row.due_at else None,
            "due_provisional": row.due_provisional, "overdue": row.overdue,
            "completed_by": row.completed_by}


def list_tasks(session: Session, org_code: str | None = None, instance_id: int | None = None,
               status: str = "open") -> list[dict[str, Any]]:
    """Human tasks as JSON-ready mappings, due first; read from the task table only."""
    query = (select(HumanTask, Org.code).outerjoin(Org, Org.id == HumanTask.assignee_org_id)
             .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id))
    if status != "all":
        query = query.where(HumanTask.status == status)
    if org_code is not None:
        org_id = session.scalar(select(Org.id).where(Org.code == org_code))
        if org_id is None:
            raise NotFound(f"no organisation with code {org_code!r}")
        query = query.where(HumanTask.assignee_org_id == org_id)
    if instance_id is not None:
        query = query.where(HumanTask.instance_id == instance_id)
    return [_task_json(row, code) for row, code in session.execute(query)]


def instance_detail(session: Session, instance_id: int) -> dict[str, Any]:
    """Status, version, open tasks, timers, history and incidents of an instance."""
    from app.models.audit import AuditEvent

    row = operations.get_instance(session, instance_id)
    dep = session.get(Deployment, row.deployment_id)
    assert dep is not None
    history = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                              .order_by(AuditEvent.seq)).all()
    incidents = session.scalars(select(Incident).where(Incident.instance_id == instance_id)
                                .order_by(Incident.id)).all()
    timers = session.scalars(select(Timer).where(Timer.instance_id == instance_id,
                                                 Timer.status == "waiting")).all()
    return {
        "id": row.id, "process_id": row.process_id, "status": row.status,
        "deployment": {"id": dep.id, "version": dep.version},
        "started_at": row.started_at.isoformat(), "started_by": row.started_by,
        "ended_at": row.ended_at.isoformat() if row.ended_at else None,
        "open_tasks": list_tasks(session, instance_id=instance_id),
        "timers": [{"task": t.task_spec, "due_at": t.due_at.isoformat(),
                    "provisional": t.due_provisional} for t in timers],
        "history": [{"seq": e.seq, "at": e.at.isoformat(), "actor": e.actor,
                     "action": e.action, "task": e.task_spec, "comment": e.comment,
                     "changes": e.changes} for e in history],
        "incidents": [{"id": i.id, "task": i.task_spec, "error_type": i.error_type,
                       "message": i.message, "status": i.status,
                       "created_at": i.created_at.isoformat()} for i in incidents],
    }
