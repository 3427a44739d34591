"""indexes of the managers' views (cases list, dashboard, heatmap)

Revision ID: 0020
Revises: 0040
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = '0020'
down_revision = '0040'
branch_labels = None
depends_on = None

# name → (table, columns); why each one is in docs/architecture.md ("Managers' views")
INDEXES = {
    # "cases touching my subtree": org ids → case ids without reading the table
    'ix_case_org_org_case': ('case_org', ['org_id', 'case_id']),
    # a case's open tasks (open steps of a page, "overdue now", sort by due time)
    'ix_human_task_instance_status': ('human_task', ['instance_id', 'status', 'due_at']),
    # steps completed in a period (durations, send-backs and refusals, heatmap medians)
    'ix_human_task_completed': ('human_task', ['completed_at']),
    # steps by organisation and due time (late organisations, drill-downs)
    'ix_human_task_org_due': ('human_task', ['assignee_org_id', 'due_at']),
    # cases ended in a period (monthly trend), recently handled first
    'ix_transfer_case_ended': ('transfer_case', ['ended_at']),
    'ix_transfer_case_updated': ('transfer_case', ['updated_at']),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, (table, _columns) in reversed(INDEXES.items()):
        op.drop_index(name, table_name=table)
