"""The heatmap of a process version: per element, how many cases are there now and the
median working days spent there (steps completed in the period), drawn on its diagrams.

Counted from human-task rows of the version's instances, within what the user may see and
the tasks of the scope's subtree; a step of a called process also counts on the call
activity that reaches it. Each number links to the cases list that finds those cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from app import policy
from app.errors import NotFound
from app.models.case import PROCESS_OF_KIND
from app.models.engine import Deployment, HumanTask
from app.models.user import User
from app.services.case_filters import CaseFilter
from app.services.dashboard import Scope, spans_query, task_query, working_days_used
from app.services.dashboard_sql import median
from app.services.diagram_shapes import call_path, diagrams_of, lift, shape_of, task_owners

LEVELS = 5


@dataclass
class Cell:
    """One element's numbers."""

    now: int = 0
    median: float | None = None
    done: int = 0
    filter: CaseFilter | None = None


@dataclass
class HeatDiagram:
    """One diagram of the version with its elements' numbers."""

    deployment: Deployment
    cells: dict[str, Cell] = field(default_factory=dict)

    @property
    def names(self) -> dict[str, str]:
        """Element id → name in the diagram."""
        return shape_of(self.deployment).names

    def to_json(self, link: Any) -> dict[str, Any]:
        """The JSON of the page's script; *link(filter)* makes a cases-list URL."""
        top = max([c.now for c in self.cells.values()] + [1])
        heat = []
        for element, c in sorted(self.cells.items()):
            level = 0 if c.now == 0 else min(LEVELS - 1, 1 + (LEVELS - 2) * c.now // top)
            median = "—" if c.median is None else f"{c.median:g}"
            heat.append({"id": element, "level": level,
                         "label": f"在办 {c.now} · 中位 {median} 日",
                         "title": f"现有 {c.now} 件在此；期间办结 {c.done} 次，"
                                  f"用时中位数 {median} 个工作日",
                         "link": link(c.filter) if c.filter is not None and c.now else None})
        return {"process_id": self.deployment.process_id, "name": self.deployment.name,
                "version": self.deployment.version, "xml": self.deployment.bpmn_xml,
                "heat": heat}


def versions(session: Session, user: User) -> list[tuple[int, str, str, int]]:
    """(deployment id, process id, name, version) of every version of the top processes,
    for a user who may see the dashboard (refused before anything is said)."""
    policy.require(user, policy.Action.VIEW_DASHBOARD)
    rows = session.execute(select(Deployment.id, Deployment.process_id, Deployment.name,
                                  Deployment.version)
                           .where(Deployment.process_id.in_(PROCESS_OF_KIND.values()))
                           .order_by(Deployment.process_id, Deployment.version.desc()))
    order = list(PROCESS_OF_KIND.values())  # 省内转接 first, as the kinds are listed
    return sorted(((r.id, r.process_id, r.name, r.version) for r in rows),
                  key=lambda v: (order.index(v[1]), -v[3]))


def _counts(session: Session, user: User, f: CaseFilter, now: datetime) -> dict[str, int]:
    query = task_query(session, user, f, now, HumanTask.task_spec,
                        func.count(distinct(HumanTask.case_id))).group_by(HumanTask.task_spec)
    return {spec: int(n) for spec, n in session.execute(query)}


def _medians(session: Session, user: User, f: CaseFilter,
             now: datetime) -> dict[str, tuple[float, int]]:
    used = working_days_used(session, spans_query(session, user, f, now))
    return {spec: (float(median(v)), sum(v.values())) for spec, v in used.items()}


def heatmap(session: Session, user: User, deployment_id: int, scope: Scope,
            now: datetime) -> list[HeatDiagram]:
    """The version's diagrams (its own, then the called ones) with their numbers."""
    main = session.get(Deployment, deployment_id)
    if main is None or main.process_id not in PROCESS_OF_KIND.values():
        raise NotFound(f"no process version {deployment_id}")
    base = CaseFilter(deployment=main.id, task_under=scope.org.code)
    open_now = _counts(session, user, base.replace(task_open=True), now)
    times = _medians(session, user, base.replace(done_from=scope.first, done_to=scope.last),
                     now)
    owners, parents = task_owners(main), call_path(session, main)
    result = []
    for dep in diagrams_of(session, main):
        diagram = HeatDiagram(dep)
        for spec in set(open_now) | set(times):
            element = lift(spec, owners.get(spec, main.process_id), dep.process_id, parents)
            if element is None:
                continue
            cell = diagram.cells.setdefault(element, Cell())
            cell.now += open_now.get(spec, 0)
            if element == spec:
                cell.median, cell.done = times.get(spec, (None, 0))
                cell.filter = base.replace(step=spec, task_open=True)
        for element, kind in shape_of(dep).kinds.items():
            if kind == "userTask":
                diagram.cells.setdefault(element, Cell(filter=base.replace(step=element,
                                                                          task_open=True)))
        result.append(diagram)
    return result
