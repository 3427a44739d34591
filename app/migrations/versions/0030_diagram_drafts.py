"""diagram drafts

Revision ID: 0030
Revises: 0009
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0030'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('diagram_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('bpmn_xml', sa.Text(), nullable=False),
    sa.Column('forms_json', sa.Text(), nullable=False),
    sa.Column('base_deployment_id', sa.Integer(), nullable=True),
    sa.Column('deployed_as', sa.Integer(), nullable=True),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_deployment_id'], ['deployment.id'], name=op.f('fk_diagram_draft_base_deployment_id_deployment')),
    sa.ForeignKeyConstraint(['deployed_as'], ['deployment.id'], name=op.f('fk_diagram_draft_deployed_as_deployment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diagram_draft'))
    )
    with op.batch_alter_table('diagram_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_diagram_draft_process_id'), ['process_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('diagram_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_diagram_draft_process_id'))
    op.drop_table('diagram_draft')
