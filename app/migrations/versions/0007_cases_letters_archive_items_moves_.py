"""cases, letters, archive items, moves, notifications

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('transfer_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('unit_org_id', sa.Integer(), nullable=True),
    sa.Column('from_org_id', sa.Integer(), nullable=False),
    sa.Column('to_org_id', sa.Integer(), nullable=True),
    sa.Column('initiator_org_id', sa.Integer(), nullable=False),
    sa.Column('receiver_org_id', sa.Integer(), nullable=True),
    sa.Column('route', sa.JSON(), nullable=False),
    sa.Column('letter', sa.JSON(), nullable=False),
    sa.Column('destination', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('landed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=30), nullable=True),
    sa.Column('outcome_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['from_org_id'], ['org.id'], name=op.f('fk_transfer_case_from_org_id_org')),
    sa.ForeignKeyConstraint(['initiator_org_id'], ['org.id'], name=op.f('fk_transfer_case_initiator_org_id_org')),
    sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], name=op.f('fk_transfer_case_instance_id_instance')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_transfer_case_member_id_member')),
    sa.ForeignKeyConstraint(['receiver_org_id'], ['org.id'], name=op.f('fk_transfer_case_receiver_org_id_org')),
    sa.ForeignKeyConstraint(['to_org_id'], ['org.id'], name=op.f('fk_transfer_case_to_org_id_org')),
    sa.ForeignKeyConstraint(['unit_org_id'], ['org.id'], name=op.f('fk_transfer_case_unit_org_id_org')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_case')),
    sa.UniqueConstraint('instance_id', name=op.f('uq_transfer_case_instance_id')),
    sa.UniqueConstraint('number', name=op.f('uq_transfer_case_number'))
    )
    with op.batch_alter_table('transfer_case', schema=None) as batch_op:
        batch_op.create_index('ix_transfer_case_created', ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_case_from_org_id'), ['from_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_case_initiator_org_id'), ['initiator_org_id'], unique=False)
        batch_op.create_index('ix_transfer_case_kind', ['kind', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_case_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_case_receiver_org_id'), ['receiver_org_id'], unique=False)
        batch_op.create_index('ix_transfer_case_status', ['status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_case_to_org_id'), ['to_org_id'], unique=False)

    op.create_table('archive_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=40), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('checked_by', sa.String(length=64), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['transfer_case.id'], name=op.f('fk_archive_item_case_id_transfer_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_item'))
    )
    with op.batch_alter_table('archive_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_item_case_id'), ['case_id'], unique=False)

    op.create_table('letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('issuer_org_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('receipt_due', sa.Date(), nullable=True),
    sa.Column('handed_over_how', sa.String(length=20), nullable=True),
    sa.Column('tracking_number', sa.String(length=60), nullable=True),
    sa.Column('handed_over_on', sa.Date(), nullable=True),
    sa.Column('receipt_received_on', sa.Date(), nullable=True),
    sa.Column('receipt_org_name', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['transfer_case.id'], name=op.f('fk_letter_case_id_transfer_case')),
    sa.ForeignKeyConstraint(['issuer_org_id'], ['org.id'], name=op.f('fk_letter_issuer_org_id_org')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter'))
    )
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_case_id'), ['case_id'], unique=False)

    op.create_table('member_move',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('old_branch_id', sa.Integer(), nullable=True),
    sa.Column('new_branch_id', sa.Integer(), nullable=True),
    sa.Column('old_status', sa.String(length=20), nullable=True),
    sa.Column('new_status', sa.String(length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['transfer_case.id'], name=op.f('fk_member_move_case_id_transfer_case')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_member_move_member_id_member')),
    sa.ForeignKeyConstraint(['new_branch_id'], ['org.id'], name=op.f('fk_member_move_new_branch_id_org')),
    sa.ForeignKeyConstraint(['old_branch_id'], ['org.id'], name=op.f('fk_member_move_old_branch_id_org')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_move'))
    )
    with op.batch_alter_table('member_move', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_move_member_id'), ['member_id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('human_task_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['transfer_case.id'], name=op.f('fk_notification_case_id_transfer_case')),
    sa.ForeignKeyConstraint(['human_task_id'], ['human_task.id'], name=op.f('fk_notification_human_task_id_human_task')),
    sa.ForeignKeyConstraint(['org_id'], ['org.id'], name=op.f('fk_notification_org_id_org')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_notification_dedupe_key'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_notification_status', ['status', 'created_at'], unique=False)

    op.create_table('org_lock',
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('locked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['transfer_case.id'], name=op.f('fk_org_lock_case_id_transfer_case')),
    sa.ForeignKeyConstraint(['org_id'], ['org.id'], name=op.f('fk_org_lock_org_id_org')),
    sa.PrimaryKeyConstraint('org_id', name=op.f('pk_org_lock'))
    )
    with op.batch_alter_table('org_lock', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_lock_case_id'), ['case_id'], unique=False)

    op.create_table('org_move',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('old_parent_id', sa.Integer(), nullable=False),
    sa.Column('new_parent_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['transfer_case.id'], name=op.f('fk_org_move_case_id_transfer_case')),
    sa.ForeignKeyConstraint(['new_parent_id'], ['org.id'], name=op.f('fk_org_move_new_parent_id_org')),
    sa.ForeignKeyConstraint(['old_parent_id'], ['org.id'], name=op.f('fk_org_move_old_parent_id_org')),
    sa.ForeignKeyConstraint(['org_id'], ['org.id'], name=op.f('fk_org_move_org_id_org')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_move'))
    )
    with op.batch_alter_table('org_move', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_move_org_id'), ['org_id'], unique=False)

    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('decision', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('reason_code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('comment', sa.Text(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_column('comment')
        batch_op.drop_column('reason_code')
        batch_op.drop_column('decision')
        batch_op.drop_column('stage')

    with op.batch_alter_table('org_move', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_move_org_id'))

    op.drop_table('org_move')
    with op.batch_alter_table('org_lock', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_lock_case_id'))

    op.drop_table('org_lock')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_status')
        batch_op.drop_index(batch_op.f('ix_notification_org_id'))
        batch_op.drop_index(batch_op.f('ix_notification_case_id'))

    op.drop_table('notification')
    with op.batch_alter_table('member_move', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_move_member_id'))

    op.drop_table('member_move')
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_case_id'))

    op.drop_table('letter')
    with op.batch_alter_table('archive_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_item_case_id'))

    op.drop_table('archive_item')
    with op.batch_alter_table('transfer_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_case_to_org_id'))
        batch_op.drop_index('ix_transfer_case_status')
        batch_op.drop_index(batch_op.f('ix_transfer_case_receiver_org_id'))
        batch_op.drop_index(batch_op.f('ix_transfer_case_member_id'))
        batch_op.drop_index('ix_transfer_case_kind')
        batch_op.drop_index(batch_op.f('ix_transfer_case_initiator_org_id'))
        batch_op.drop_index(batch_op.f('ix_transfer_case_from_org_id'))
        batch_op.drop_index('ix_transfer_case_created')

    op.drop_table('transfer_case')
