"""API: tasks — the user's own, one with its form schema, claim, release, complete, send back."""

from __future__ import annotations

from typing import Any

from app import policy
from app.errors import NotAllowed
from app.models.engine import HumanTask
from app.services import api_tasks, tasks
from app.services.actors import active_user
from app.services.api_cases import case_summaries
from app.web.api import bp
from app.web.api.core import (
    PAGE_PARAMS,
    ApiError,
    api_user,
    arg_choice,
    bad_request,
    body_object,
    body_text,
    json_body,
    operation,
    page_args,
    path_param,
    query,
)
from app.web.support import clock, db, settings, writing

TASK_PARAM = path_param("task_id", {"type": "integer", "minimum": 1, "maximum": 2147483647},
                        "任务 id")
MAX_ID = 2**31 - 1


def _task_id(value: int) -> int:
    if not 1 <= value <= MAX_ID:
        raise ApiError(404, "not_found", f"task {value} does not exist")
    return value


@operation(bp, "/tasks", "GET", summary="我的待办（本组织、本人角色的任务）", tag="tasks",
           ok=(200, "TaskPage"), errors=(400, 403),
           parameters=[query("status", {"type": "string", "enum": list(api_tasks.TASK_STATUSES)},
                             "任务状态（默认 open）"), *PAGE_PARAMS])
def list_tasks() -> Any:
    """The tasks the token's user acts on, due first."""
    page, per_page = page_args()
    status = arg_choice("status", api_tasks.TASK_STATUSES, "open")
    assert status is not None
    return api_tasks.my_tasks(db(), api_user(), status, page, per_page).to_json()


@operation(bp, "/tasks/<int:task_id>", "GET", summary="任务详情及其表单（JSON Schema）",
           tag="tasks", ok=(200, "TaskDetail"), errors=(403, 404), parameters=[TASK_PARAM])
def get_task(task_id: int) -> Any:
    """One task with its form schema."""
    return api_tasks.task_detail(db(), api_user(), _task_id(task_id))


def _after(s: Any, task: HumanTask) -> dict[str, Any]:
    # *task* is the row the service returned: holding it keeps it in the session's identity
    # map (no second read); the case row comes with the detail's own query
    detail, case = api_tasks.task_detail_and_case(s, api_user(), task.id)
    if case is not None:
        detail["case"] = case_summaries(s, [case])[0]
    return detail


@operation(bp, "/tasks/<int:task_id>/claim", "POST", summary="认领任务", tag="tasks",
           ok=(200, "TaskDetail"), errors=(403, 404, 409), parameters=[TASK_PARAM])
def claim_task(task_id: int) -> Any:
    """Claim an open task of the user's organisation."""
    with writing() as s:
        task = tasks.claim_task(s, _task_id(task_id), api_user().username, clock().now())
        return _after(s, task)


@operation(bp, "/tasks/<int:task_id>/release", "POST", summary="放弃认领", tag="tasks",
           ok=(200, "TaskDetail"), errors=(403, 404, 409), parameters=[TASK_PARAM])
def release_task(task_id: int) -> Any:
    """Give a claimed task back to the organisation."""
    with writing() as s:
        task = tasks.release_task(s, _task_id(task_id), api_user().username, clock().now())
        return _after(s, task)


@operation(bp, "/tasks/<int:task_id>/complete", "POST",
           summary="办理任务：提交表单（含同意、退回、不予转接等各项决定）", tag="tasks",
           ok=(200, "TaskDetail"), errors=(400, 403, 404, 409, 422), parameters=[TASK_PARAM],
           body="CompleteTask",
           description="`data` 为任务表单的数据，须符合任务详情中的 form_schema。")
def complete_task(task_id: int) -> Any:
    """Complete a task with its form data."""
    data = body_object(json_body(), "data")
    with writing() as s:
        task = tasks.complete_task(s, settings(), clock(), _task_id(task_id),
                                   api_user().username, data)
        return _after(s, task)


@operation(bp, "/tasks/<int:task_id>/send-back", "POST", summary="退回（上一步），须选择退回原因",
           tag="tasks", ok=(200, "TaskDetail"), errors=(400, 403, 404, 409, 422),
           parameters=[TASK_PARAM], body="SendBack")
def send_back_task(task_id: int) -> Any:
    """退回: complete a task whose form offers it with ``decision: send_back``."""
    body = json_body()
    reason = body_text(body, "reason_code", 40)
    comment = body_text(body, "comment", 500)
    if reason is None:
        raise bad_request("reason_code", "必填")
    user = api_user()
    with writing() as s:
        task = api_tasks.get_task(s, _task_id(task_id))
        policy.require_task(active_user(s, user.username), task)
        if not api_tasks.may_send_back(api_tasks.form_schema(s, task)):
            raise NotAllowed(f"task {task_id} ({task.task_spec}) cannot be sent back")
        data: dict[str, Any] = {"decision": "send_back", "reason_code": reason}
        if comment:
            data["comment"] = comment
        done = tasks.complete_task(s, settings(), clock(), task.id, user.username, data)
        return _after(s, done)
