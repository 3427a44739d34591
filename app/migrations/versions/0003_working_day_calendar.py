"""working-day calendar: policy-staff entries, year notices, append-only audit

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('old_status', sa.String(length=20), nullable=False),
    sa.Column('new_status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('recomputed', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_change'))
    )
    with op.batch_alter_table('calendar_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_change_changed_at'), ['changed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_calendar_change_year'), ['year'], unique=False)

    op.create_table('calendar_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('workday', sa.Boolean(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('entered_by', sa.String(length=100), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_day'))
    )
    with op.batch_alter_table('calendar_day', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_day_year'), ['year'], unique=False)

    op.create_table('calendar_notice',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.Column('imported_by', sa.String(length=100), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_calendar_notice'))
    )
    op.create_table('calendar_change_day',
    sa.Column('change_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('old_workday', sa.Boolean(), nullable=False),
    sa.Column('old_name', sa.String(length=50), nullable=True),
    sa.Column('old_source', sa.String(length=20), nullable=False),
    sa.Column('new_workday', sa.Boolean(), nullable=False),
    sa.Column('new_name', sa.String(length=50), nullable=True),
    sa.Column('new_source', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['change_id'], ['calendar_change.id'], name=op.f('fk_calendar_change_day_change_id_calendar_change')),
    sa.PrimaryKeyConstraint('change_id', 'day', name=op.f('pk_calendar_change_day'))
    )
    op.create_table('calendar_notice_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('workday', sa.Boolean(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['year'], ['calendar_notice.year'], name=op.f('fk_calendar_notice_day_year_calendar_notice')),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_notice_day'))
    )
    with op.batch_alter_table('calendar_notice_day', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_notice_day_year'), ['year'], unique=False)

    _append_only()


_AUDIT_TABLES = ("calendar_change", "calendar_change_day")
_MESSAGE = "the calendar audit is append-only"


def _append_only() -> None:
    """The audit of calendar changes is never rewritten, whatever code runs against it."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION calendar_audit_append_only() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{_MESSAGE}'; END; $$ LANGUAGE plpgsql"
        )
        for table in _AUDIT_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION calendar_audit_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION calendar_audit_append_only()"
            )
        return
    for table in _AUDIT_TABLES:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} BEGIN "
                f"SELECT RAISE(ABORT, '{_MESSAGE}'); END"
            )


def _drop_append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _AUDIT_TABLES:
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION calendar_audit_append_only()")
        return
    for table in _AUDIT_TABLES:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER {table}_no_{verb}")



def downgrade() -> None:
    _drop_append_only()
    with op.batch_alter_table('calendar_notice_day', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_notice_day_year'))

    op.drop_table('calendar_notice_day')
    op.drop_table('calendar_change_day')
    op.drop_table('calendar_notice')
    with op.batch_alter_table('calendar_day', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_day_year'))

    op.drop_table('calendar_day')
    with op.batch_alter_table('calendar_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_change_year'))
        batch_op.drop_index(batch_op.f('ix_calendar_change_changed_at'))

    op.drop_table('calendar_change')
