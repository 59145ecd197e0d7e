"""API keys become reference data; the slot search's window read becomes index-only.

A version row 'api_keys', drawn afresh by the same triggers as 0005's on every write to
`api_keys`: each process keeps the live keys' hashes and checks an API call against its copy
while that version is the database's (p2p/services/reference.py). A key created or revoked
is seen by the first request that starts after the write commits, in every process.

On PostgreSQL `ix_reservations_reviewer_start` also carries `end_at` and `expires_at`
(INCLUDE): the slot search reads a window's reservations from the index alone, without a
visit to the table per row. It is rebuilt CONCURRENTLY, so a live database keeps serving.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24

"""
import secrets

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

EVENTS = ("INSERT", "UPDATE", "DELETE")


def upgrade():
    versions = sa.table("reference_versions", sa.column("name"), sa.column("version"))
    op.bulk_insert(versions, [{"name": "api_keys", "version": secrets.randbits(63)}])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER api_keys_bump_reference_version "
            "AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON api_keys "
            "FOR EACH STATEMENT EXECUTE FUNCTION p2p_bump_reference_version('api_keys')"
        )
        _rebuild_window_index(include=["end_at", "expires_at"])
    else:
        for event in EVENTS:
            op.execute(f"""
                CREATE TRIGGER api_keys_bump_version_{event.lower()} AFTER {event} ON api_keys
                BEGIN
                    INSERT INTO reference_versions (name, version) VALUES ('api_keys', random())
                    ON CONFLICT (name) DO UPDATE SET version = excluded.version;
                END
            """)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS api_keys_bump_reference_version ON api_keys")
        _rebuild_window_index(include=[])
    else:
        for event in EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS api_keys_bump_version_{event.lower()}")
    op.execute("DELETE FROM reference_versions WHERE name = 'api_keys'")


def _rebuild_window_index(include: list[str]) -> None:
    """Build the new index beside the old one, CONCURRENTLY (outside the migration's
    transaction), then swap: searches and bookings go on reading and writing
    `reservations` meanwhile, instead of waiting for the whole build."""
    with op.get_context().autocommit_block():
        op.create_index(
            "ix_reservations_reviewer_start_new",
            "reservations",
            ["reviewer_id", "start_at"],
            postgresql_include=include,
            postgresql_concurrently=True,
        )
        op.drop_index(
            "ix_reservations_reviewer_start",
            table_name="reservations",
            postgresql_concurrently=True,
        )
        op.execute(
            "ALTER INDEX ix_reservations_reviewer_start_new "
            "RENAME TO ix_reservations_reviewer_start"
        )
