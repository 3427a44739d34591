"""letter serial numbers per issuing organisation and year

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('letter_serial',
    sa.Column('issuer_org_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.CheckConstraint('last_number >= 1', name=op.f('ck_letter_serial_last_number_positive')),
    sa.CheckConstraint('year BETWEEN 1 AND 9999', name=op.f('ck_letter_serial_year_range')),
    sa.ForeignKeyConstraint(['issuer_org_id'], ['org.id'], name=op.f('fk_letter_serial_issuer_org_id_org')),
    sa.PrimaryKeyConstraint('issuer_org_id', 'year', name=op.f('pk_letter_serial'))
    )


def downgrade() -> None:
    op.drop_table('letter_serial')
