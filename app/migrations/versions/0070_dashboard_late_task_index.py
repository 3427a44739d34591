"""a partial index of the tasks that are or were late (the dashboard's lateness figures)

Revision ID: 0070
Revises: 0020
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0070'
down_revision = '0020'
branch_labels = None
depends_on = None

LATE_TASK = sa.text("completed_at IS NULL OR completed_at > due_at")


def upgrade() -> None:
    # "late at some moment of a period" is: open and due before its end, or completed after
    # its due time and after its start. Both halves are ranges of completed_at within the
    # open-or-late tasks (about a fifth of all tasks), so this index serves both.
    op.create_index('ix_human_task_late', 'human_task', ['completed_at'], unique=False,
                    postgresql_where=LATE_TASK, sqlite_where=LATE_TASK)


def downgrade() -> None:
    op.drop_index('ix_human_task_late', table_name='human_task')
