"""notify/overdue and notify/receipt_overdue: reminders through the notification outbox."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from app.engine.clock import SHANGHAI
from app.models.case import Letter
from app.models.engine import HumanTask
from app.models.org import Org
from app.services.notifications import enqueue, enqueue_many
from handlers import HandlerContext, register
from handlers.context import case_of


def last_day(due: datetime | None) -> str:
    """The last day of a deadline in words (a due instant is 00:00 of the day after it)."""
    if due is None:
        return "（未设时限）"
    day = (due.astimezone(SHANGHAI) - timedelta(seconds=1)).date()
    return f"{day.year}年{day.month}月{day.day}日"


@register("notify/overdue")
def overdue(ctx: HandlerContext, params: dict[str, Any]) -> dict[str, Any]:
    """Mark the open tasks of step *task* overdue and remind their level (and its superior).

    The task stays open (Arts. 13, 16: managers see it; the level must still act).
    """
    case = case_of(ctx)
    # each task with its organisation's superior (the second addressee) in one query
    tasks = ctx.session.execute(select(HumanTask, Org.parent_id).outerjoin(
        Org, Org.id == HumanTask.assignee_org_id).where(
        HumanTask.instance_id == ctx.instance_id, HumanTask.task_spec == params["task"],
        HumanTask.status == "open")).all()
    items: list[dict[str, Any]] = []
    for task, parent_id in tasks:
        task.overdue = True
        if task.assignee_org_id is None:
            continue
        targets = [task.assignee_org_id]
        if params.get("superior") and parent_id is not None:
            targets.append(parent_id)
        for org_id in targets:
            to_superior = org_id != task.assignee_org_id
            subject = (f"【超期提醒】{case.number}“{task.title}”已超过办理时限"
                       + ("（下级党组织办理超期）" if to_superior else ""))
            body = (f"案件 {case.number} 的“{task.title}”办理时限至 {last_day(task.due_at)}，"
                    "现已超期，请及时办理。")
            items.append(dict(org_id=org_id, kind="overdue", subject=subject, body=body,
                              case_id=case.id, human_task_id=task.id,
                              dedupe_key=f"overdue:{task.id}:{org_id}"))
    # one dedupe look-up and one insert for the step's reminders
    sent = len(enqueue_many(ctx.session, ctx.now, items))
    return {"overdue_tasks": len(tasks), "reminders": sent}


@register("notify/receipt_overdue")
def receipt_overdue(ctx: HandlerContext, params: dict[str, Any]) -> dict[str, Any]:
    """The receipt of a paper letter is overdue: remind the issuer to urge the member."""
    case = case_of(ctx)
    letter = ctx.session.scalar(select(Letter).where(Letter.case_id == case.id,
                                                     Letter.kind == "transfer"))
    if letter is None:
        return {"reminders": 0}
    # one reminder per month at most, even if a late scheduler catches several cycles up
    key = f"receipt_overdue:{case.id}:{ctx.now.date().isoformat()[:7]}"
    subject = f"【回执逾期】{case.number} 介绍信回执尚未收到，请督促党员及时转入"
    due = (f"{letter.receipt_due.year}年{letter.receipt_due.month}月{letter.receipt_due.day}日"
           if letter.receipt_due else "")
    body = (f"案件 {case.number} 的介绍信（〔{letter.year}〕第 {letter.serial} 号）回执应于 "
            f"{due}前寄回，"
            "现已逾期，请督促党员及时将组织关系转入目标党组织。")
    row = enqueue(ctx.session, now=ctx.now, org_id=letter.issuer_org_id, kind="receipt_overdue",
                  subject=subject, body=body, case_id=case.id, dedupe_key=key)
    return {"reminders": 1 if row else 0}


@register("notify/remind")
def remind(ctx: HandlerContext, params: dict[str, Any]) -> dict[str, Any]:
    """A reminder before the deadline: the task's organisation is told, nothing is marked.

    Policy staff add it with their own timer (e.g. ``deadline(working_days=3)`` on a 5-day
    step); unlike ``notify/overdue`` the task is not flagged overdue.
    """
    case = case_of(ctx)
    tasks = ctx.session.scalars(select(HumanTask).where(
        HumanTask.instance_id == ctx.instance_id, HumanTask.task_spec == params["task"],
        HumanTask.status == "open")).all()
    sent = 0
    for task in tasks:
        if task.assignee_org_id is None:
            continue
        due = last_day(task.due_at)
        if enqueue(ctx.session, now=ctx.now, org_id=task.assignee_org_id, kind="reminder",
                   subject=f"【办理提醒】{case.number}“{task.title}”请在时限内办结",
                   body=f"案件 {case.number} 的“{task.title}”办理时限至 {due}，请及时办理。",
                   case_id=case.id, human_task_id=task.id,
                   dedupe_key=f"remind:{task.id}:{ctx.task_spec}"):
            sent += 1
    return {"reminders": sent}
