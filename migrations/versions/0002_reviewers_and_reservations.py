"""Reviewers, time off, reservations and appointments; no overlap, enforced by the database.

A reviewer's reservations (appointments and holds) never overlap: an exclusion constraint on
PostgreSQL (btree_gist, for the equality on reviewer_id), triggers on SQLite. SQLite runs one
writer at a time, so a trigger's check and the write it guards cannot interleave with another
transaction's.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reviewers',
    sa.Column('reviewer_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('credentials', sa.String(length=50), nullable=False),
    sa.Column('specialties', sa.JSON(), nullable=False),
    sa.Column('case_types', sa.JSON(), nullable=False),
    sa.Column('licensed_states', sa.JSON(), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('weekly_hours', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('reviewer_id', name=op.f('pk_reviewers'))
    )
    op.create_table('reservations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.String(length=64), nullable=False),
    sa.Column('start_at', sa.DateTime(), nullable=False),
    sa.Column('end_at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('case_refs', sa.JSON(), nullable=True),
    sa.Column('time_zone', sa.String(length=64), nullable=True),
    sa.Column('holder', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(kind = 'hold') = (expires_at IS NOT NULL)", name=op.f('ck_reservations_holds_expire')),
    sa.CheckConstraint("kind IN ('appointment', 'hold')", name=op.f('ck_reservations_kind')),
    sa.CheckConstraint('end_at > start_at', name=op.f('ck_reservations_ends_after_start')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['reviewers.reviewer_id'], name=op.f('fk_reservations_reviewer_id_reviewers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reservations'))
    )
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.create_index('ix_reservations_expires_at', ['expires_at'], unique=False)
        batch_op.create_index('ix_reservations_reviewer_start', ['reviewer_id', 'start_at'], unique=False)

    op.create_table('reviewer_time_off',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.String(length=64), nullable=False),
    sa.Column('start_at', sa.DateTime(), nullable=False),
    sa.Column('end_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('end_at > start_at', name=op.f('ck_reviewer_time_off_ends_after_start')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['reviewers.reviewer_id'], name=op.f('fk_reviewer_time_off_reviewer_id_reviewers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviewer_time_off'))
    )
    with op.batch_alter_table('reviewer_time_off', schema=None) as batch_op:
        batch_op.create_index('ix_reviewer_time_off_reviewer_end', ['reviewer_id', 'end_at'], unique=False)

    op.create_table('appointments',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('reviewer_id', sa.String(length=64), nullable=False),
    sa.Column('reservation_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('start_at', sa.DateTime(), nullable=False),
    sa.Column('end_at', sa.DateTime(), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('requesting_provider_npi', sa.String(length=10), nullable=False),
    sa.Column('requesting_provider_name', sa.String(length=200), nullable=False),
    sa.Column('requesting_provider_email', sa.String(length=254), nullable=False),
    sa.Column('contact', sa.JSON(), nullable=False),
    sa.Column('performer', sa.JSON(), nullable=False),
    sa.Column('call_notes', sa.JSON(), nullable=False),
    sa.Column('acknowledge_consultative_only', sa.Boolean(), nullable=False),
    sa.Column('cancel_reason', sa.String(length=500), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('scheduled', 'cancelled', 'completed')", name=op.f('ck_appointments_status')),
    sa.CheckConstraint('end_at > start_at', name=op.f('ck_appointments_ends_after_start')),
    sa.ForeignKeyConstraint(['reservation_id'], ['reservations.id'], name=op.f('fk_appointments_reservation_id_reservations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['reviewers.reviewer_id'], name=op.f('fk_appointments_reviewer_id_reviewers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointments')),
    sa.UniqueConstraint('reservation_id', name=op.f('uq_appointments_reservation_id'))
    )
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.create_index('ix_appointments_requesting_provider_npi', ['requesting_provider_npi'], unique=False)
        batch_op.create_index('ix_appointments_reviewer_start', ['reviewer_id', 'start_at'], unique=False)
        batch_op.create_index('ix_appointments_status_start', ['status', 'start_at'], unique=False)

    op.create_table('appointment_cases',
    sa.Column('appointment_id', sa.String(length=40), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('level_of_review', sa.String(length=40), nullable=True),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.Column('removed_reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], name=op.f('fk_appointment_cases_appointment_id_appointments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_appointment_cases_case_id_cases')),
    sa.PrimaryKeyConstraint('appointment_id', 'case_id', name=op.f('pk_appointment_cases'))
    )

    _no_overlap()


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("ex_reservations_no_overlap", "reservations")
    else:
        op.execute("DROP TRIGGER IF EXISTS reservations_no_overlap_insert")
        op.execute("DROP TRIGGER IF EXISTS reservations_no_overlap_update")
    op.drop_table('appointment_cases')
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_index('ix_appointments_status_start')
        batch_op.drop_index('ix_appointments_reviewer_start')
        batch_op.drop_index('ix_appointments_requesting_provider_npi')

    op.drop_table('appointments')
    with op.batch_alter_table('reviewer_time_off', schema=None) as batch_op:
        batch_op.drop_index('ix_reviewer_time_off_reviewer_end')

    op.drop_table('reviewer_time_off')
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.drop_index('ix_reservations_reviewer_start')
        batch_op.drop_index('ix_reservations_expires_at')

    op.drop_table('reservations')
    op.drop_table('reviewers')


OVERLAP = (
    "r.reviewer_id = NEW.reviewer_id AND r.start_at < NEW.end_at AND NEW.start_at < r.end_at"
)


def _no_overlap():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE reservations ADD CONSTRAINT ex_reservations_no_overlap "
            "EXCLUDE USING gist (reviewer_id WITH =, tsrange(start_at, end_at, '[)') WITH &&)"
        )
        return
    # Instants are stored as fixed-width naive UTC text, so text order is time order.
    op.execute(f"""
        CREATE TRIGGER reservations_no_overlap_insert BEFORE INSERT ON reservations
        WHEN EXISTS (SELECT 1 FROM reservations r WHERE {OVERLAP})
        BEGIN SELECT RAISE(ABORT, 'reservations_no_overlap'); END
    """)
    op.execute(f"""
        CREATE TRIGGER reservations_no_overlap_update
        BEFORE UPDATE OF reviewer_id, start_at, end_at ON reservations
        WHEN EXISTS (SELECT 1 FROM reservations r WHERE r.id != NEW.id AND {OVERLAP})
        BEGIN SELECT RAISE(ABORT, 'reservations_no_overlap'); END
    """)
