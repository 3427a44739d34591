"""human_task.case_id: the case of a task's instance, for the dashboard

Revision ID: 0090
Revises: 0070
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0090'
down_revision = '0070'
branch_labels = None
depends_on = None

LATE_TASK = sa.text("completed_at IS NULL OR completed_at > due_at")
LATE_UNTIL = sa.text("coalesce(completed_at, '9999-12-31 00:00:00+00')")
DONE_INCLUDE = ["status", "assignee_org_id", "instance_id", "task_spec", "created_at",
                "decision", "reason_code", "due_basis"]
LATE_INCLUDE = ["due_at", "completed_at", "instance_id", "assignee_org_id", "status",
                "task_spec"]


def _covering(extra: list[str]) -> None:
    """(Re)make the dashboard's covering indexes on PostgreSQL with *extra* columns."""
    op.drop_index('ix_human_task_late', table_name='human_task')
    op.create_index('ix_human_task_late', 'human_task', [LATE_UNTIL], unique=False,
                    postgresql_where=LATE_TASK, postgresql_include=LATE_INCLUDE + extra)
    op.drop_index('ix_human_task_completed', table_name='human_task')
    op.create_index('ix_human_task_completed', 'human_task', ['completed_at'], unique=False,
                    postgresql_include=DONE_INCLUDE + extra)


def upgrade() -> None:
    # the case of the task's instance (one case per instance), copied once so the figures
    # need not join every task to transfer_case just to leave out tasks of other instances;
    # kept by app.services.cases.project_case (the engine's after-step) from now on
    op.add_column('human_task', sa.Column('case_id', sa.Integer(), nullable=True))
    op.execute("UPDATE human_task SET case_id = (SELECT transfer_case.id FROM transfer_case "
               "WHERE transfer_case.instance_id = human_task.instance_id)")
    if op.get_bind().dialect.name == "postgresql":
        _covering(["case_id"])
        # the UPDATE wrote a new version of every row: without this the table (and every
        # scan of it) would stay twice its size until rewritten. A few seconds for 500,000
        # tasks, under an exclusive lock (migrations run with the application stopped).
        with op.get_context().autocommit_block():
            op.execute("VACUUM FULL ANALYZE human_task")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _covering([])
    op.drop_column('human_task', 'case_id')
