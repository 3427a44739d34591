"""inbox and notification indexes

Revision ID: 0010
Revises: 0031
Create Date: 2026-11-27

The operators' 已办 tab lists an organisation's completed tasks newest first, and the
header counts the organisation's unread notifications on every page: both get an index.
"""

from __future__ import annotations

from alembic import op

revision = '0010'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.create_index('ix_human_task_done', ['assignee_org_id', 'status', 'completed_at'],
                              unique=False)
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_unread', ['org_id', 'read_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_unread')
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_done')
