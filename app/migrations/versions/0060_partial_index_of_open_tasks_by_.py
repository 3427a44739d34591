"""partial index of open tasks by organisation and role (inbox API)

The inbox counts and pages the open tasks of one organisation and role, due first. With a
million task rows the old index (organisation, status, due time) leaves the role to the
table rows: counting a busy committee's open tasks read thousands of heap pages. This
index holds only open tasks, so it stays small, and it answers the count from the index and
the page in due order without a sort.

Revision ID: 0060
Revises: 0020
Create Date: 2026-11-27 02:29:09.112957
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0060'
down_revision = '0020'
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def upgrade() -> None:
    op.create_index("ix_human_task_open_mine", "human_task",
                    ["assignee_org_id", "role", "due_at", "id"],
                    postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade() -> None:
    op.drop_index("ix_human_task_open_mine", table_name="human_task")
