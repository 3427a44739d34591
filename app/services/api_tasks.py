"""Tasks for the API: the user's own tasks (the inbox as data) and one task with its form.

The rows come from the human-task table only; the form's JSON Schema comes from the task's
deployment, so a client can build or validate the form exactly as the server will.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import policy
from app.engine.deployments import forms_of
from app.errors import NotFound
from app.models.case import TransferCase
from app.models.engine import Deployment, HumanTask, Instance
from app.models.member import Member
from app.models.org import Org
from app.models.user import User
from app.services.api_cases import Page

TASK_STATUSES = ("open", "completed", "cancelled", "all")


def task_json(task: HumanTask, org_code: str | None, case: TransferCase | None,
              member_name: str | None) -> dict[str, Any]:
    """A task as the API shows it, with the number and kind of its case."""
    return {
        "id": task.id, "task": task.task_spec, "title": task.title, "org": org_code,
        "role": task.role, "form": task.form, "status": task.status, "stage": task.stage,
        "created_at": task.created_at.isoformat(),
        "due_at": task.due_at.isoformat() if task.due_at else None,
        "due_provisional": task.due_provisional, "overdue": task.overdue,
        "claimed_by": task.claimed_by, "decision": task.decision,
        "completed_at": task.completed_at.isoformat() if task.completed_at else None,
        "completed_by": task.completed_by,
        "case": {"id": case.id, "number": case.number, "kind": case.kind,
                 "status": case.status, "member_name": member_name} if case else None,
    }


def _rows(session: Session, query: Any) -> list[dict[str, Any]]:
    rows = session.execute(query).all()
    return [task_json(t, code, case, name) for t, code, case, name in rows]


def _joined() -> Any:
    return (select(HumanTask, Org.code, TransferCase, Member.name)
            .outerjoin(Org, Org.id == HumanTask.assignee_org_id)
            .outerjoin(TransferCase, TransferCase.instance_id == HumanTask.instance_id)
            .outerjoin(Member, Member.id == TransferCase.member_id))


def my_tasks(session: Session, user: User, status: str = "open", page: int = 1,
             per_page: int = 20) -> Page:
    """The tasks of *user*'s organisation and roles, due first."""
    policy.require(user, policy.Action.VIEW_INBOX)
    condition = policy.my_tasks(user)
    if status != "all":
        condition = condition & (HumanTask.status == status)
    total = session.scalar(select(func.count()).select_from(HumanTask).where(condition)) or 0
    query = (_joined().where(condition)
             .order_by(HumanTask.due_at.asc().nulls_last(), HumanTask.id)
             .offset((page - 1) * per_page).limit(per_page))
    return Page(_rows(session, query), page, per_page, int(total))


def get_task(session: Session, task_id: int) -> HumanTask:
    """The task *task_id*; NotFound otherwise."""
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(f"task {task_id} does not exist")
    return task


def form_schema(session: Session, task: HumanTask) -> dict[str, Any] | None:
    """The JSON Schema of the task's form in its deployment (None: the task has no form).

    The mapping is the deployment cache's own (``deployments.forms_of``): do not change it.
    """
    if not task.form:
        return None
    # the deployment's id and content hash only: its forms are parsed once per content
    # (deployments.forms_of), not read and parsed again on every request
    found = session.execute(select(Deployment.id, Deployment.content_hash)
                            .join(Instance, Instance.deployment_id == Deployment.id)
                            .where(Instance.id == task.instance_id)).first()
    if found is None:
        return None
    schema = forms_of(session, found.id, found.content_hash).get(task.form)
    return schema if isinstance(schema, dict) else None


def task_detail(session: Session, user: User, task_id: int) -> dict[str, Any]:
    """One task with its form schema and whether *user* may act on it."""
    return task_detail_and_case(session, user, task_id)[0]


def task_detail_and_case(session: Session, user: User,
                         task_id: int) -> tuple[dict[str, Any], TransferCase | None]:
    """:func:`task_detail` and the task's case row (read by the same query)."""
    task = get_task(session, task_id)
    policy.require_view_task(session, user, task)
    t, code, case, name = session.execute(_joined().where(HumanTask.id == task.id)).one()
    detail = task_json(t, code, case, name)
    detail["form_schema"] = form_schema(session, task)
    detail["actionable"] = (task.status == "open" and task.assignee_org_id == user.org_id
                            and task.role in user.role_names
                            and task.claimed_by in (None, user.username))
    return detail, case


def may_send_back(schema: dict[str, Any] | None) -> bool:
    """Whether a form offers ``decision: send_back`` (退回)."""
    if not schema:
        return False
    decision = schema.get("properties", {}).get("decision", {})
    return any(isinstance(o, dict) and o.get("const") == "send_back"
               for o in decision.get("oneOf", []))
