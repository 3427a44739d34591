"""Moving running cases from one version of their process to another, on purpose only.

A dry run (:func:`migration_plan`) lists every unfinished instance of the source version,
whether it can move and why not; :func:`migrate_cases` moves the chosen ones, each
checked again under its row lock, and audits every move on the instance's chain ("moved
from version N to M", who, why) and the batch on the system chain. Cases that cannot
move are skipped with their reasons; nothing moves without being named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import policy
from app.config import Settings
from app.engine import audit
from app.engine.clock import Clock
from app.engine.migration import Finding, MigrationCheck, Specs, migrate_state
from app.engine.run import Run
from app.engine.runtime import persist
from app.engine.serializer import cached_specs
from app.errors import InvalidData, NotAllowed
from app.models.case import TransferCase
from app.models.engine import Deployment, HumanTask, Instance
from app.services.actors import active_user
from app.services.versions import ENDED, get_version
from app.services.workflow import engine_config

MAX_REASON = 1000
MAX_BATCH = 500
PLAN_PAGE = 100  # instances checked per page of the dry run (each is restored)


@dataclass
class CasePlan:
    """One instance of the source version and whether it can move."""

    instance_id: int
    case_id: int | None
    case_number: str | None
    case_status: str | None
    open_tasks: list[tuple[str, str]]  # (BPMN id, title) of the open human tasks
    check: MigrationCheck


@dataclass
class MigrationOutcome:
    """What a move did: the instances moved and those skipped with their reasons."""

    moved: list[int] = field(default_factory=list)
    skipped: dict[int, list[Finding]] = field(default_factory=dict)


def _specs(dep: Deployment) -> Specs:
    return cached_specs(dep.content_hash, dep.spec_json)


def _pair(session: Session, from_id: int, to_id: int) -> tuple[Deployment, Deployment]:
    source, target = get_version(session, from_id), get_version(session, to_id)
    if source.process_id != target.process_id:
        raise NotAllowed("只能在同一流程的版本之间迁移案件")
    if source.id == target.id:
        raise NotAllowed("源版本与目标版本相同")
    return source, target


def running_count(session: Session, deployment_id: int) -> int:
    """How many unfinished instances run on a version."""
    return int(session.scalar(select(func.count()).select_from(Instance).where(
        Instance.deployment_id == deployment_id, Instance.status.not_in(ENDED))) or 0)


def migration_plan(session: Session, from_id: int, to_id: int, offset: int = 0,
                   limit: int = PLAN_PAGE) -> list[CasePlan]:
    """The dry run: unfinished instances of version *from_id* (oldest first, one page)
    checked against *to_id*. Writes nothing."""
    source, target = _pair(session, from_id, to_id)
    rows = session.execute(
        select(Instance, TransferCase.id, TransferCase.number, TransferCase.status)
        .outerjoin(TransferCase, TransferCase.instance_id == Instance.id)
        .where(Instance.deployment_id == source.id, Instance.status.not_in(ENDED))
        .order_by(Instance.id).offset(offset).limit(limit)).all()
    open_tasks: dict[int, list[tuple[str, str]]] = {}
    for iid, spec, title in session.execute(
            select(HumanTask.instance_id, HumanTask.task_spec, HumanTask.title)
            .join(Instance, Instance.id == HumanTask.instance_id)
            .where(Instance.id.in_([r[0].id for r in rows]), HumanTask.status == "open")
            .order_by(HumanTask.id)):
        open_tasks.setdefault(iid, []).append((spec, title))
    plans = []
    for row, case_id, number, status in rows:
        _wf, check = migrate_state(row.state, _specs(source), _specs(target))
        plans.append(CasePlan(row.id, case_id, number, status, open_tasks.get(row.id, []),
                              check))
    return plans


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidData("请填写迁移原因", {"reason": "必填"})
    if len(text) > MAX_REASON:
        raise InvalidData(f"迁移原因不能超过 {MAX_REASON} 字", {"reason": "过长"})
    return text


def _retarget_open_tasks(session: Session, row: Instance, target: Any) -> None:
    """Open task rows take the target's form (the one their completion is checked with);
    organisation and deadline stay as they were when the task started."""
    tasks = session.scalars(select(HumanTask).where(HumanTask.instance_id == row.id,
                                                    HumanTask.status == "open")).all()
    specs = [target[0], *target[1].values()]
    for task in tasks:
        for spec in specs:
            found = spec.task_specs.get(task.task_spec)
            if found is not None:
                props = (getattr(found, "extensions", None) or {}).get("properties", {})
                task.form = props.get("form") or None
                break


def _move_one(session: Session, settings: Settings, clock: Clock, instance_id: int,
              pair: tuple[Deployment, Deployment], actor: str, reason: str) -> list[Finding]:
    source, target = pair
    row = session.scalar(select(Instance).where(Instance.id == instance_id).with_for_update())
    if row is None or row.deployment_id != source.id or row.status in ENDED:
        return [Finding("not_on_version")]
    wf, check = migrate_state(row.state, _specs(source), _specs(target))
    if wf is None:
        return check.blockers
    run = Run(session=session, clock=clock, actor=actor, config=engine_config(settings))
    run.instance_id = row.id
    wf.script_engine = run.script_engine()
    row.deployment_id = target.id
    _retarget_open_tasks(session, row, _specs(target))
    run.record("instance_migrated", comment=reason, changes={
        "from_version": source.version, "to_version": target.version,
        "from_deployment_id": source.id, "to_deployment_id": target.id,
        "notes": [str(n) for n in check.notes]})
    persist(run, row, wf)
    return []


def migrate_cases(session: Session, settings: Settings, clock: Clock, from_id: int,
                  to_id: int, instance_ids: list[int], username: str,
                  reason: str) -> MigrationOutcome:
    """Move the chosen instances from version *from_id* to *to_id* as *username*."""
    user = active_user(session, username)
    policy.require(user, policy.Action.EDIT_DIAGRAMS)
    why = _reason(reason)
    if not instance_ids:
        raise InvalidData("请选择要迁移的案件", {"instances": "未选择"})
    if len(instance_ids) > MAX_BATCH:
        raise InvalidData(f"一次最多迁移 {MAX_BATCH} 件", {"instances": "过多"})
    pair = _pair(session, from_id, to_id)
    outcome = MigrationOutcome()
    for iid in sorted(set(instance_ids)):
        blockers = _move_one(session, settings, clock, iid, pair, user.username, why)
        if blockers:
            outcome.skipped[iid] = blockers
        else:
            outcome.moved.append(iid)
    audit.append(session, chain=audit.SYSTEM_CHAIN, at=clock.now(), actor=user.username,
                 action="migrate_instances", comment=why, changes={
                     "process_id": pair[0].process_id, "from_version": pair[0].version,
                     "to_version": pair[1].version, "moved": outcome.moved,
                     "skipped": sorted(outcome.skipped)})
    return outcome
