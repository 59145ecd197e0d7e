"""Reference data versions, and a bound on a reservation's length.

`reference_versions` holds a version per kind of reference data ('reviewers': the reviewers
and their case types; 'policies': policies and state rules). Triggers draw a new one on every
insert, update or delete of those tables, whatever the writer, in the writer's transaction:
a process may keep its own copy of that data for as long as the version it was read at is
still the database's (p2p/services/reference.py). Versions are random 64-bit numbers, not
a counter: a rolled-back write must not leave a number that a later write would reuse.

No reservation lasts longer than a day (a booking is at most 10 cases of at most 120
minutes each). The bound lets the slot search read a reviewer's reservations of a window
as an index range, `start_at` from the window's start minus a day, instead of every
reservation the reviewer ever had. A CHECK constraint on PostgreSQL, triggers on SQLite
(whose ALTER TABLE cannot add a constraint without rebuilding the table and its triggers).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24

"""
import secrets

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

WATCHED = {
    "reviewers": ("reviewers", "reviewer_case_types"),
    "policies": ("policies", "state_rules"),
}
EVENTS = ("INSERT", "UPDATE", "DELETE")


def upgrade():
    versions = op.create_table('reference_versions',
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_reference_versions'))
    )
    # Random from the start too: a rebuilt database never repeats a version a process saw.
    op.bulk_insert(
        versions, [{"name": name, "version": secrets.randbits(63)} for name in WATCHED]
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_upgrade()
    else:
        _sqlite_upgrade()


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE reservations DROP CONSTRAINT ck_reservations_at_most_a_day")
        for tables in WATCHED.values():
            for table in tables:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_bump_reference_version ON {table}")
        op.execute("DROP FUNCTION IF EXISTS p2p_bump_reference_version()")
    else:
        for event in ("insert", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS reservations_at_most_a_day_{event}")
        for tables in WATCHED.values():
            for table in tables:
                for event in EVENTS:
                    op.execute(f"DROP TRIGGER IF EXISTS {table}_bump_version_{event.lower()}")
    op.drop_table('reference_versions')


def _postgresql_upgrade():
    op.execute("""
        CREATE FUNCTION p2p_bump_reference_version() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO reference_versions (name, version)
            VALUES (TG_ARGV[0], floor((random() - 0.5) * 1.8e19)::bigint)
            ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version;
            RETURN NULL;
        END $$
    """)
    for name, tables in WATCHED.items():
        for table in tables:
            op.execute(
                f"CREATE TRIGGER {table}_bump_reference_version "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION p2p_bump_reference_version('{name}')"
            )
    op.execute(
        "ALTER TABLE reservations ADD CONSTRAINT ck_reservations_at_most_a_day "
        "CHECK (end_at <= start_at + interval '1 day')"
    )


def _sqlite_upgrade():
    for name, tables in WATCHED.items():
        for table in tables:
            for event in EVENTS:
                op.execute(f"""
                    CREATE TRIGGER {table}_bump_version_{event.lower()} AFTER {event} ON {table}
                    BEGIN
                        INSERT INTO reference_versions (name, version) VALUES ('{name}', random())
                        ON CONFLICT (name) DO UPDATE SET version = excluded.version;
                    END
                """)
    # Instants are stored as naive UTC text that julianday() reads.
    for event, columns in (("insert", ""), ("update", " OF start_at, end_at")):
        op.execute(f"""
            CREATE TRIGGER reservations_at_most_a_day_{event} BEFORE {event.upper()}{columns}
            ON reservations
            WHEN julianday(NEW.end_at) - julianday(NEW.start_at) > 1
            BEGIN SELECT RAISE(ABORT, 'ck_reservations_at_most_a_day'); END
        """)
