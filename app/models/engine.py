"""Workflow engine tables: deployments, instances, human tasks, timers, incidents."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UtcDateTime


class Deployment(Base):
    """One version of one process: its BPMN source, serialized spec and forms, stored once."""

    __tablename__ = "deployment"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(200))
    bpmn_xml: Mapped[str] = mapped_column(Text)
    spec_json: Mapped[str] = mapped_column(Text)
    forms_json: Mapped[str] = mapped_column(Text, default="{}")
    serializer_version: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("process_id", "version"),)


class Instance(Base):
    """A running (or finished) workflow: the serialized state without its spec."""

    __tablename__ = "instance"

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployment.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(20), default="running", index=True)
    state: Mapped[str] = mapped_column(Text)
    state_schema: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    started_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


LATE_TASK = text("completed_at IS NULL OR completed_at > due_at")
# when a task stops being late: its completion, or never while it is open (the same text in
# the index and in the queries, so PostgreSQL and SQLite match them)
LATE_UNTIL = text("coalesce(completed_at, '9999-12-31 00:00:00+00')")
DONE_INCLUDE = ["status", "assignee_org_id", "instance_id", "task_spec", "created_at",
                "decision", "reason_code", "due_basis", "case_id"]
LATE_INCLUDE = ["due_at", "completed_at", "instance_id", "assignee_org_id", "status",
                "task_spec", "case_id"]


class HumanTask(Base):
    """One user task of an instance, as operators see it; open while the task is READY."""

    __tablename__ = "human_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"), index=True)
    task_guid: Mapped[str] = mapped_column(String(36), unique=True)
    task_spec: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    assignee_org_id: Mapped[int | None] = mapped_column(ForeignKey("org.id"))
    role: Mapped[str] = mapped_column(String(32))
    form: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    due_basis: Mapped[dict[str, object] | None] = mapped_column(JSON)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    stage: Mapped[str | None] = mapped_column(String(32))
    decision: Mapped[str | None] = mapped_column(String(32))
    reason_code: Mapped[str | None] = mapped_column(String(40))
    comment: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_by: Mapped[str | None] = mapped_column(String(64))
    # the case of the instance (transfer_case.instance_id is unique), or None for an instance
    # without one: a copy kept by the cases projection (app.services.cases.project_case, the
    # engine's after-step; migration 0090 filled it in), so the dashboard's figures read it
    # from the task instead of joining every task to its case. No foreign key: the engine
    # knows nothing of cases, and cases are never deleted.
    case_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_human_task_inbox", "assignee_org_id", "status", "due_at"),
        Index("ix_human_task_due", "status", "due_at"),
        Index("ix_human_task_done", "assignee_org_id", "status", "completed_at"),
        Index("ix_human_task_instance_status", "instance_id", "status", "due_at"),
        # PostgreSQL: with the columns of the figures about completed steps (durations,
        # send-backs, heatmap), read from the index alone
        Index("ix_human_task_completed", "completed_at", postgresql_include=DONE_INCLUDE),
        Index("ix_human_task_org_due", "assignee_org_id", "due_at"),
        # the inbox: tasks of one organisation, role and status, due first (migration 0060)
        Index("ix_human_task_mine", "assignee_org_id", "role", "status", "due_at", "id"),
        # tasks that are or were late (open, or completed after their due time), by the end
        # of their lateness: the dashboard's "late in a period" figures read only this index
        Index("ix_human_task_late", LATE_UNTIL, postgresql_where=LATE_TASK,
              sqlite_where=LATE_TASK, postgresql_include=LATE_INCLUDE),
    )


class Timer(Base):
    """A waiting timer event of an instance; the scheduler fires it when due."""

    __tablename__ = "timer"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"), index=True)
    task_guid: Mapped[str] = mapped_column(String(36), unique=True)
    task_spec: Mapped[str] = mapped_column(String(100))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_basis: Mapped[dict[str, object] | None] = mapped_column(JSON)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    fired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_timer_due", "status", "due_at"),)


class Incident(Base):
    """A failure inside an instance (a handler or script error) waiting for a retry."""

    __tablename__ = "incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"), index=True)
    task_guid: Mapped[str | None] = mapped_column(String(36))
    task_spec: Mapped[str | None] = mapped_column(String(100))
    error_type: Mapped[str] = mapped_column(String(100))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(64))
