"""Date-of-birth lookups counted per case reference (the lockout), and API keys limited
to health plans (tenancy).

- `lookup_locks`: wrong dates of birth per case reference in a window, and until when
  lookups of it are locked; shared by every worker and instance.
- `api_keys.health_plans`: the plans a key may see and change (JSON list); NULL for
  every plan, as every key so far.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lookup_locks',
    sa.Column('case_ref', sa.String(length=64), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('window_started_at', sa.DateTime(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('case_ref', name=op.f('pk_lookup_locks'))
    )
    # A plain ADD COLUMN on both databases: api_keys carries reference-version triggers
    # that a SQLite table rebuild would drop.
    op.add_column('api_keys', sa.Column('health_plans', sa.JSON(), nullable=True))


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE api_keys DROP COLUMN health_plans")
    else:
        op.drop_column('api_keys', 'health_plans')
    op.drop_table('lookup_locks')
