"""The operations report's calls read from their index alone.

`ix_appointments_start` (the calls by start) becomes `ix_appointments_start_status_id`:
the report's scans of a span want the start, the status and the id (to join the cases),
and find all three in the index, without visiting the table's rows.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

"""
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('appointments') as batch:
        batch.create_index('ix_appointments_start_status_id', ['start_at', 'status', 'id'])
        batch.drop_index('ix_appointments_start')


def downgrade():
    with op.batch_alter_table('appointments') as batch:
        batch.create_index('ix_appointments_start', ['start_at'])
        batch.drop_index('ix_appointments_start_status_id')
