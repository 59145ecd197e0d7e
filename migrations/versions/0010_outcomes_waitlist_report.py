"""Call outcomes, the earlier-slot waitlist, and what the operations report counts.

- `appointments` gain the call's outcome: `outcome_result` (held, provider_not_reached,
  reviewer_unavailable), a note, when and by whom it was recorded.
- `appointment_cases` gain, per case: the `decision` of a held call; and the facts of the
  call the report counts, fixed when the call is booked or moved: `valid_until` (the
  outcome-changing window then), `same_specialty` and `in_state` (the reviewer's match).
  Existing rows are filled in from their cases and reviewers.
- `waitlist_entries`: a provider waiting for an earlier time (the cases, preferences,
  `before`), served in the order they joined; `waitlist_offers`: the times offered to an
  entry, each held for it (a hold) and emailed once.
- Indexes for the report: calls by start (`ix_appointments_start`).
- A sign-in link (and its session) can open on a hold: a waitlist offer's confirmation.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

RESULTS = "outcome_result IS NULL OR outcome_result IN ('held', 'provider_not_reached', 'reviewer_unavailable')"
DECISIONS = "decision IS NULL OR decision IN ('upheld', 'overturned', 'partially_overturned', 'no_change_possible')"
ENTRY_STATUSES = "status IN ('waiting', 'offered', 'expired', 'closed')"
OFFER_STATUSES = "status IN ('held', 'booked', 'expired', 'released')"


def upgrade():
    with op.batch_alter_table('appointments') as batch:
        batch.add_column(sa.Column('outcome_result', sa.String(length=30), nullable=True))
        batch.add_column(sa.Column('outcome_note', sa.String(length=2000), nullable=True))
        batch.add_column(sa.Column('outcome_recorded_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('outcome_recorded_by', sa.String(length=100), nullable=True))
        batch.create_check_constraint('outcome_result', RESULTS)
        batch.create_index('ix_appointments_start', ['start_at'])
    with op.batch_alter_table('appointment_cases') as batch:
        batch.add_column(sa.Column('decision', sa.String(length=30), nullable=True))
        batch.add_column(sa.Column('valid_until', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('same_specialty', sa.Boolean(), nullable=True))
        batch.add_column(sa.Column('in_state', sa.Boolean(), nullable=True))
        batch.create_check_constraint('decision', DECISIONS)
    _fill_in_call_facts()
    with op.batch_alter_table('sign_in_links') as batch:
        batch.add_column(sa.Column('hold_id', sa.String(length=40), nullable=True))
    with op.batch_alter_table('web_sessions') as batch:
        batch.add_column(sa.Column('opens_hold_id', sa.String(length=40), nullable=True))

    op.create_table('waitlist_entries',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('caller', sa.String(length=100), nullable=False),
    sa.Column('health_plans', sa.JSON(), nullable=True),
    sa.Column('case_refs', sa.JSON(), nullable=False),
    sa.Column('npi', sa.String(length=10), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('days', sa.JSON(), nullable=False),
    sa.Column('hours', sa.JSON(), nullable=False),
    sa.Column('before', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint(ENTRY_STATUSES, name=op.f('ck_waitlist_entries_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_entries')),
    sa.UniqueConstraint('position', name=op.f('uq_waitlist_entries_position')),
    )
    op.create_index('ix_waitlist_entries_status_position', 'waitlist_entries',
                    ['status', 'position'])
    op.create_table('waitlist_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.String(length=40), nullable=False),
    sa.Column('hold_id', sa.String(length=40), nullable=True),
    sa.Column('reviewer_id', sa.String(length=64), nullable=False),
    sa.Column('start_at', sa.DateTime(), nullable=False),
    sa.Column('end_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint(OFFER_STATUSES, name=op.f('ck_waitlist_offers_status')),
    sa.ForeignKeyConstraint(['entry_id'], ['waitlist_entries.id'],
                            name=op.f('fk_waitlist_offers_entry_id_waitlist_entries'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hold_id'], ['holds.id'],
                            name=op.f('fk_waitlist_offers_hold_id_holds'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_offers')),
    # One offer of a given time to a given entry: an expired offer is not made again.
    sa.UniqueConstraint('entry_id', 'reviewer_id', 'start_at',
                        name=op.f('uq_waitlist_offers_entry_id_reviewer_id_start_at')),
    )
    op.create_index('ix_waitlist_offers_status_expires', 'waitlist_offers',
                    ['status', 'expires_at'])


def _fill_in_call_facts():
    """The report's facts for calls booked before this migration, from their cases and
    reviewers as they are now (the best record there is)."""
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT ac.appointment_id, ac.case_id, c.specialty, c.member_state, "
        "r.specialties, r.licensed_states "
        "FROM appointment_cases ac JOIN cases c ON c.id = ac.case_id "
        "JOIN appointments a ON a.id = ac.appointment_id "
        "JOIN reviewers r ON r.reviewer_id = a.reviewer_id"
    )).all()
    import json

    for appointment_id, case_id, specialty, state, specialties, states in rows:
        specialties = json.loads(specialties) if isinstance(specialties, str) else specialties
        states = json.loads(states) if isinstance(states, str) else states
        connection.execute(
            sa.text("UPDATE appointment_cases SET same_specialty = :s, in_state = :i "
                    "WHERE appointment_id = :a AND case_id = :c"),
            {"s": specialty in specialties, "i": state in states, "a": appointment_id,
             "c": case_id},
        )


def downgrade():
    op.drop_index('ix_waitlist_offers_status_expires', table_name='waitlist_offers')
    op.drop_table('waitlist_offers')
    op.drop_index('ix_waitlist_entries_status_position', table_name='waitlist_entries')
    op.drop_table('waitlist_entries')
    with op.batch_alter_table('web_sessions') as batch:
        batch.drop_column('opens_hold_id')
    with op.batch_alter_table('sign_in_links') as batch:
        batch.drop_column('hold_id')
    with op.batch_alter_table('appointment_cases') as batch:
        batch.drop_constraint('decision', type_='check')
        batch.drop_column('in_state')
        batch.drop_column('same_specialty')
        batch.drop_column('valid_until')
        batch.drop_column('decision')
    with op.batch_alter_table('appointments') as batch:
        batch.drop_index('ix_appointments_start')
        batch.drop_constraint('outcome_result', type_='check')
        batch.drop_column('outcome_recorded_by')
        batch.drop_column('outcome_recorded_at')
        batch.drop_column('outcome_note')
        batch.drop_column('outcome_result')
