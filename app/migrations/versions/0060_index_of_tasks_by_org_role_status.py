"""index of tasks by organisation, role and status (inbox API)

The inbox counts and pages the tasks of one organisation, role and status, due first. With
a million task rows the old index (organisation, status, due time) leaves the role to the
table rows: counting a busy committee's open tasks read thousands of heap pages. This index
answers the count from the index alone and the page in due order without a sort. It is not
partial (status = 'open'): psycopg prepares repeated statements, and a generic plan, with
the status as a parameter, cannot use a partial index.

Revision ID: 0060
Revises: 0050
Create Date: 2026-11-27 02:29:09.112957
"""

from __future__ import annotations

from alembic import op

revision = '0060'
down_revision = '0050'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_human_task_mine", "human_task",
                    ["assignee_org_id", "role", "status", "due_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_human_task_mine", table_name="human_task")
