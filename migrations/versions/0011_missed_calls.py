"""Missed calls kept when their appointment is rebooked, for the operations report.

A missed call (provider not reached, reviewer unavailable) can be rebooked: the same
appointment moves to its new time, so its status no longer says that a call was missed.
`missed_calls` keeps each such miss (its reviewer, time and result), written when the
appointment is rebooked; the report counts it as a call of its own week. Rebookings made
before this revision are read back from the audit trail (the `rescheduled` events whose
`before` was a missed call).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

"""
import json
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

MISSED = ('provider_not_reached', 'reviewer_unavailable')


def upgrade():
    op.create_table(
        'missed_calls',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('appointment_id', sa.String(length=40), nullable=False),
        sa.Column('reviewer_id', sa.String(length=64), nullable=False),
        sa.Column('start_at', sa.DateTime(), nullable=False),
        sa.Column('end_at', sa.DateTime(), nullable=False),
        sa.Column('result', sa.String(length=30), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=True),
        sa.Column('rebooked_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("result IN ('provider_not_reached', 'reviewer_unavailable')",
                           name=op.f('ck_missed_calls_result')),
        sa.CheckConstraint('end_at > start_at', name=op.f('ck_missed_calls_ends_after_start')),
        sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'],
                                name=op.f('fk_missed_calls_appointment_id_appointments'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_missed_calls')),
    )
    op.create_index('ix_missed_calls_start', 'missed_calls', ['start_at'])
    _from_the_audit_trail()


def _from_the_audit_trail():
    connection = op.get_bind()
    events = connection.execute(sa.text(
        "SELECT appointment_id, at, before FROM appointment_events "
        "WHERE action = 'rescheduled' ORDER BY id"
    ))
    table = sa.table(
        'missed_calls',
        sa.column('appointment_id', sa.String()), sa.column('reviewer_id', sa.String()),
        sa.column('start_at', sa.DateTime()), sa.column('end_at', sa.DateTime()),
        sa.column('result', sa.String()), sa.column('recorded_at', sa.DateTime()),
        sa.column('rebooked_at', sa.DateTime()),
    )
    rows = []
    for appointment_id, at, before in events:
        before = json.loads(before) if isinstance(before, str) else before
        if not before or before.get('status') not in MISSED:
            continue
        rows.append({
            'appointment_id': appointment_id,
            'reviewer_id': before['reviewer_id'],
            'start_at': _naive_utc(before['start']),
            'end_at': _naive_utc(before['end']),
            'result': before['status'],
            'recorded_at': None,
            'rebooked_at': at if isinstance(at, datetime) else datetime.fromisoformat(at),
        })
    if rows:
        connection.execute(table.insert(), rows)


def _naive_utc(text):
    """An ISO instant of the audit trail as stored: UTC, without its offset."""
    return datetime.fromisoformat(text).astimezone(timezone.utc).replace(tzinfo=None)


def downgrade():
    op.drop_index('ix_missed_calls_start', table_name='missed_calls')
    op.drop_table('missed_calls')
