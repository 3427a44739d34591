"""member import staging table

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('member_import_row',
    sa.Column('import_id', sa.String(length=32), nullable=False),
    sa.Column('row_no', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.PrimaryKeyConstraint('import_id', 'row_no', name=op.f('pk_member_import_row'))
    )
    with op.batch_alter_table('member_import_row', schema=None) as batch_op:
        batch_op.create_index('ix_member_import_row_code', ['import_id', 'code'], unique=False)
        batch_op.create_index('ix_member_import_row_id_number', ['import_id', 'id_number'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('member_import_row', schema=None) as batch_op:
        batch_op.drop_index('ix_member_import_row_id_number')
        batch_op.drop_index('ix_member_import_row_code')

    op.drop_table('member_import_row')
