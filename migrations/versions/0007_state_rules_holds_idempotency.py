"""State rules the law requires, holds with opaque ids, idempotency keys bound to the
appointment they made, and room for the call outcomes' statuses.

- `state_rules` gets TX (a licence in the member's state and the same specialty) and OH
  (the member's consent) unless they are there already: a deployment that runs only
  `flask db upgrade` must never book a Texas member with an unlicensed reviewer unasked.
- `holds`: a hold's identity (an opaque random id, its holder, reviewer, time, cases and
  how it ended) outlives its reservation, so that a booking carrying an expired hold's id
  can be told from one carrying an id never handed out. The reservation keeps the time;
  the hold columns of `reservations` move here (dropped with SQLite's own DROP COLUMN: a
  rebuild of `reservations` would drop its no-overlap triggers).
- `idempotency_keys.appointment_id` replaces the stored response.
- `appointments.status` admits `provider_not_reached` and `reviewer_unavailable`.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

"""
import secrets
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

STATE_RULES = (
    {"state": "OH", "requires_state_license": False, "requires_same_specialty": False,
     "requires_member_consent": True},
    {"state": "TX", "requires_state_license": True, "requires_same_specialty": True,
     "requires_member_consent": False},
)
SOURCE = "migration 0007: the seeds' call notes (TX licence and specialty, OH consent)"
STATUSES_BEFORE = ("scheduled", "cancelled", "completed")
STATUSES_AFTER = STATUSES_BEFORE + ("provider_not_reached", "reviewer_unavailable")
HOLD_COLUMNS = ("case_refs", "time_zone", "holder")


def _in(values):
    return f"status IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    bind = op.get_bind()
    now = datetime.now(timezone.utc).replace(tzinfo=None)

    rules = sa.table(
        "state_rules", sa.column("state"), sa.column("requires_state_license"),
        sa.column("requires_same_specialty"), sa.column("requires_member_consent"),
        sa.column("source"), sa.column("updated_at"),
    )
    present = {row[0] for row in bind.execute(sa.select(rules.c.state))}
    missing = [{**rule, "source": SOURCE, "updated_at": now}
               for rule in STATE_RULES if rule["state"] not in present]
    if missing:
        op.bulk_insert(rules, missing)

    op.create_table('holds',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('holder', sa.String(length=100), nullable=False),
    sa.Column('reviewer_id', sa.String(length=64), nullable=False),
    sa.Column('start_at', sa.DateTime(), nullable=False),
    sa.Column('end_at', sa.DateTime(), nullable=False),
    sa.Column('case_refs', sa.JSON(), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('reservation_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('ended', sa.String(length=10), nullable=True),
    sa.CheckConstraint("ended IS NULL OR ended IN ('booked', 'released', 'expired')", name=op.f('ck_holds_ended')),
    sa.ForeignKeyConstraint(['reservation_id'], ['reservations.id'], name=op.f('fk_holds_reservation_id_reservations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['reviewers.reviewer_id'], name=op.f('fk_holds_reviewer_id_reviewers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holds')),
    sa.UniqueConstraint('reservation_id', name=op.f('uq_holds_reservation_id'))
    )
    with op.batch_alter_table('holds', schema=None) as batch_op:
        batch_op.create_index('ix_holds_live_expires', ['ended', 'expires_at'], unique=False)

    reservations = sa.table(
        "reservations", sa.column("id"), sa.column("reviewer_id"), sa.column("start_at"),
        sa.column("end_at"), sa.column("kind"), sa.column("expires_at"),
        sa.column("case_refs", sa.JSON), sa.column("time_zone"), sa.column("holder"),
        sa.column("created_at"),
    )
    held = bind.execute(sa.select(reservations).where(reservations.c.kind == "hold")).all()
    if held:
        op.bulk_insert(sa.table(
            "holds", sa.column("id"), sa.column("holder"), sa.column("reviewer_id"),
            sa.column("start_at"), sa.column("end_at"), sa.column("case_refs", sa.JSON),
            sa.column("time_zone"), sa.column("expires_at"), sa.column("reservation_id"),
            sa.column("created_at"),
        ), [
            {"id": "hold_" + secrets.token_urlsafe(18), "holder": row.holder or "",
             "reviewer_id": row.reviewer_id, "start_at": row.start_at, "end_at": row.end_at,
             "case_refs": row.case_refs or [], "time_zone": row.time_zone or "UTC",
             "expires_at": row.expires_at, "reservation_id": row.id,
             "created_at": row.created_at}
            for row in held
        ])
    for column in HOLD_COLUMNS:
        _drop_column("reservations", column)

    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appointment_id', sa.String(length=40), nullable=True))
    keys = sa.table("idempotency_keys", sa.column("caller"), sa.column("key"),
                    sa.column("response", sa.JSON), sa.column("appointment_id"))
    for caller, key, response in bind.execute(sa.select(keys.c.caller, keys.c.key, keys.c.response)):
        bind.execute(keys.update().where(keys.c.caller == caller, keys.c.key == key)
                     .values(appointment_id=(response or {}).get("id")))
    bind.execute(keys.delete().where(keys.c.appointment_id.is_(None)))
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.alter_column('appointment_id', existing_type=sa.String(length=40), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_idempotency_keys_appointment_id_appointments'), 'appointments', ['appointment_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_column('response')
        batch_op.drop_column('status_code')

    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_appointments_status'), type_='check')
        batch_op.create_check_constraint('status', _in(STATUSES_AFTER))


def downgrade():
    bind = op.get_bind()
    # A call's outcome the older schema cannot say: it was a call whose time has passed,
    # which that schema (and its completion job) calls completed. The outcome stays in the
    # appointment's audit events.
    appointments = sa.table("appointments", sa.column("status"))
    bind.execute(appointments.update()
                 .where(appointments.c.status.in_(STATUSES_AFTER[len(STATUSES_BEFORE):]))
                 .values(status="completed"))
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_appointments_status'), type_='check')
        batch_op.create_check_constraint('status', _in(STATUSES_BEFORE))

    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('response', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('status_code', sa.Integer(), nullable=True))
    keys = sa.table("idempotency_keys", sa.column("appointment_id"),
                    sa.column("response", sa.JSON), sa.column("status_code"))
    for (appointment_id,) in bind.execute(sa.select(keys.c.appointment_id)).all():
        bind.execute(keys.update().where(keys.c.appointment_id == appointment_id)
                     .values(response={"id": appointment_id}, status_code=201))
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_idempotency_keys_appointment_id_appointments'), type_='foreignkey')
        batch_op.drop_column('appointment_id')
        batch_op.alter_column('response', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('status_code', existing_type=sa.Integer(), nullable=False)

    op.add_column('reservations', sa.Column('case_refs', sa.JSON(), nullable=True))
    op.add_column('reservations', sa.Column('time_zone', sa.String(length=64), nullable=True))
    op.add_column('reservations', sa.Column('holder', sa.String(length=100), nullable=True))
    holds = sa.table("holds", sa.column("reservation_id"), sa.column("case_refs", sa.JSON),
                     sa.column("time_zone"), sa.column("holder"))
    reservations = sa.table("reservations", sa.column("id"), sa.column("case_refs", sa.JSON),
                            sa.column("time_zone"), sa.column("holder"))
    for row in bind.execute(sa.select(holds).where(holds.c.reservation_id.is_not(None))).all():
        bind.execute(reservations.update().where(reservations.c.id == row.reservation_id)
                     .values(case_refs=row.case_refs, time_zone=row.time_zone, holder=row.holder))
    with op.batch_alter_table('holds', schema=None) as batch_op:
        batch_op.drop_index('ix_holds_live_expires')
    op.drop_table('holds')

    bind.execute(sa.text("DELETE FROM state_rules WHERE source = :source"), {"source": SOURCE})


def _drop_column(table: str, column: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")  # no rebuild, triggers kept
    else:
        op.drop_column(table, column)
