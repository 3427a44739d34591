"""scheduler heartbeat; index for the open/overdue task counts of /metrics

Revision ID: 0050
Revises: 0020
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0050'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('scheduler_heartbeat',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_sweep_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sweeps', sa.Integer(), nullable=False),
    sa.Column('last_timers_fired', sa.Integer(), nullable=False),
    sa.Column('last_overdue_marked', sa.Integer(), nullable=False),
    sa.Column('last_duration_ms', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_scheduler_heartbeat'))
    )
    with op.batch_alter_table('scheduler_heartbeat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheduler_heartbeat_last_sweep_at'), ['last_sweep_at'], unique=False)
    op.create_index('ix_human_task_open_overdue', 'human_task', ['status', 'overdue'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_human_task_open_overdue', table_name='human_task')
    with op.batch_alter_table('scheduler_heartbeat', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheduler_heartbeat_last_sweep_at'))

    op.drop_table('scheduler_heartbeat')
