"""indexes for the dashboard: the tasks that are or were late; completed tasks covering

Revision ID: 0070
Revises: 0060
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0070'
down_revision = '0060'
branch_labels = None
depends_on = None

LATE_TASK = sa.text("completed_at IS NULL OR completed_at > due_at")
LATE_UNTIL = sa.text("coalesce(completed_at, '9999-12-31 00:00:00+00')")
DONE_INCLUDE = ["status", "assignee_org_id", "instance_id", "task_spec", "created_at",
                "decision", "reason_code", "due_basis"]
INCLUDE = ["due_at", "completed_at", "instance_id", "assignee_org_id", "status", "task_spec"]


def upgrade() -> None:
    # "late at some moment of a period" = due before its end, and late until after its
    # start (completed after it, or still open), among the tasks that are or were late
    # (about a fifth of all): one range of this index. On PostgreSQL it covers the columns
    # the figures read, so they need not visit the table.
    op.create_index('ix_human_task_late', 'human_task', [LATE_UNTIL], unique=False,
                    postgresql_where=LATE_TASK, sqlite_where=LATE_TASK,
                    postgresql_include=INCLUDE)
    if op.get_bind().dialect.name == "postgresql":
        # steps completed in a period, with what the figures read (index-only scans)
        op.drop_index('ix_human_task_completed', table_name='human_task')
        op.create_index('ix_human_task_completed', 'human_task', ['completed_at'],
                        unique=False, postgresql_include=DONE_INCLUDE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_human_task_completed', table_name='human_task')
        op.create_index('ix_human_task_completed', 'human_task', ['completed_at'],
                        unique=False)
    op.drop_index('ix_human_task_late', table_name='human_task')
