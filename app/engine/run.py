"""One run of the engine against one instance: clock, calendar, script engine, audit buffer.

Everything a step changes is written in the caller's session and committed together. A
service task's handler runs inside a savepoint: if it fails, its writes are undone and the
failure becomes an incident, while the steps before it are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

import handlers
from app.engine.clock import SHANGHAI, Clock, FixedClock
from app.engine.scripting import HandlerFailed, ZhuanjieScriptEngine, clock_functions

CalendarLoader = Callable[[Session], Any]


def spec_id(task: Any) -> str:
    """The BPMN element id of a task (multi-instance children share their activity's id)."""
    return str(getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name)


@dataclass
class EngineConfig:
    """How the engine reaches the rest of the application."""

    calendar_loader: CalendarLoader
    settings: Any = None
    # called at the end of every persisted step (the cases projection hooks in here)
    after_step: Callable[[Session, Any, datetime], None] | None = None


@dataclass
class PendingAudit:
    """An audit event recorded during a run, written at persist time."""

    action: str
    actor: str
    task_guid: str | None = None
    task_spec: str | None = None
    comment: str | None = None
    changes: dict[str, Any] | None = None


@dataclass
class Run:
    """The context of one engine run."""

    session: Session
    clock: Clock
    actor: str
    config: EngineConfig
    instance_id: int = 0
    deployment_hash: str = ""  # the content hash of the loaded instance's deployment
    events: list[PendingAudit] = field(default_factory=list)
    deadline_bases: dict[str, dict[str, Any]] = field(default_factory=dict)
    incidents: list[tuple[str | None, str | None, str, str]] = field(default_factory=list)
    _now: datetime | None = None
    _calendar: Any = None

    def now(self) -> datetime:
        """The run's instant (read once, so that one run sees one time)."""
        if self._now is None:
            self._now = self.clock.now()
        return self._now

    def today(self) -> date:
        """The run's date in Asia/Shanghai."""
        return self.now().astimezone(SHANGHAI).date()

    def calendar(self) -> Any:
        """The working-day calendar, loaded once per run."""
        if self._calendar is None:
            self._calendar = self.config.calendar_loader(self.session)
        return self._calendar

    def incident(self, task: Any, error: BaseException) -> None:
        """Note a failure of *task* (None: the instance) to be stored as an incident."""
        cause = error.__cause__ or error
        if isinstance(cause, HandlerFailed):
            cause = cause.cause
        kind = type(cause).__name__
        if cause is error and getattr(error, "error_type", "unknown") != "unknown":
            kind = str(error.error_type)  # type: ignore[attr-defined]
        guid = str(task.id) if task is not None else None
        spec = spec_id(task) if task is not None else None
        message = str(error).strip().rstrip(".").strip()
        self.incidents.append((guid, spec, kind, message))

    def record(self, action: str, **kwargs: Any) -> None:
        """Buffer an audit event for this instance."""
        kwargs.setdefault("actor", self.actor)
        self.events.append(PendingAudit(action=action, **kwargs))

    def working_deadline(self, working_days: int, start: date | None = None) -> tuple[datetime,
                                                                                  dict[str, Any]]:
        """The due instant N working days after *start* (default: today) and its basis."""
        if isinstance(working_days, bool) or not isinstance(working_days, int) \
                or working_days < 0:
            raise ValueError(f"working_days must be a whole number ≥ 0, not {working_days!r}")
        origin = start or self.today()
        result = self.calendar().add_working_days(origin, working_days)
        basis = {"from": origin.isoformat(), "working_days": working_days,
                 "provisional": bool(result.provisional),
                 "years": sorted(getattr(result, "provisional_years", ()) or ())}
        return result.due, basis

    def deadline(self, working_days: int, start: str | None = None) -> str:
        """BPMN ``deadline(working_days=N[, start=ISO date])``: the ISO due instant."""
        origin = date.fromisoformat(start[:10]) if start else None
        due, basis = self.working_deadline(working_days, origin)
        iso = due.isoformat()
        self.deadline_bases[iso] = basis
        return iso

    def functions(self) -> dict[str, Callable[..., Any]]:
        """The functions BPMN scripts and expressions may call."""
        return {**clock_functions(self.clock), "deadline": self.deadline}

    def service(self, task: Any, operator: str, params: dict[str, Any]) -> Any:
        """Dispatch a service task to its handler inside a savepoint."""
        try:
            handler = handlers.get(operator)
        except KeyError as exc:
            raise HandlerFailed(operator, exc) from exc
        ctx = handlers.HandlerContext(
            session=self.session, instance_id=self.instance_id, task_spec=spec_id(task),
            task_guid=str(task.id), now=self.now(), actor=self.actor, data=dict(task.data),
            settings=self.config.settings, extras={"run": self})
        try:
            with self.session.begin_nested():
                result = handler(ctx, params)
        except Exception as exc:
            raise HandlerFailed(operator, exc) from exc
        self.record("service_task", task_guid=str(task.id), task_spec=spec_id(task),
                    changes={"operator": operator, "result": dict(result or {})})
        return dict(result or {})

    def script_engine(self) -> ZhuanjieScriptEngine:
        """A script engine for this run (set on every loaded workflow)."""
        frozen = FixedClock(self.now())
        return ZhuanjieScriptEngine(frozen, {**clock_functions(frozen), "deadline": self.deadline},
                                    self.service)
