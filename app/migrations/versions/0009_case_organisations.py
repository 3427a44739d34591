"""case organisations

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_org',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['transfer_case.id'], name=op.f('fk_case_org_case_id_transfer_case')),
    sa.ForeignKeyConstraint(['org_id'], ['org.id'], name=op.f('fk_case_org_org_id_org')),
    sa.PrimaryKeyConstraint('case_id', 'org_id', name=op.f('pk_case_org'))
    )
    with op.batch_alter_table('case_org', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_org_org_id'), ['org_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('case_org', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_org_org_id'))

    op.drop_table('case_org')
