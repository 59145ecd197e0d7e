"""Sign-in links and the pages' sessions.

- `sign_in_links`: a single-use link the portal (or an admin, or the service itself, for a
  missed call's rebooking) hands a person: only the SHA-256 of its token is kept, with who
  it signs in (a provider's NPI, a reviewer, a staff member), what it opens on, until when
  it works, and when it was used.
- `web_sessions`: a signed-in page session, server-side: the cookie carries a random token,
  the row (by the token's SHA-256) carries the identity every authorization decision rests
  on, and the provider's working state (the cases looked up, the zone confirmed).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

KINDS = "kind IN ('provider', 'reviewer', 'staff')"


def upgrade():
    op.create_table('sign_in_links',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('npi', sa.String(length=10), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('case_refs', sa.JSON(), nullable=True),
    sa.Column('reviewer_id', sa.String(length=64), nullable=True),
    sa.Column('appointment_id', sa.String(length=40), nullable=True),
    sa.Column('health_plans', sa.JSON(), nullable=True),
    sa.Column('issued_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint(KINDS, name=op.f('ck_sign_in_links_kind')),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], name=op.f('fk_sign_in_links_appointment_id_appointments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['reviewers.reviewer_id'], name=op.f('fk_sign_in_links_reviewer_id_reviewers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_sign_in_links'))
    )
    with op.batch_alter_table('sign_in_links', schema=None) as batch_op:
        batch_op.create_index('ix_sign_in_links_expires_at', ['expires_at'], unique=False)

    op.create_table('web_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('npi', sa.String(length=10), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('reviewer_id', sa.String(length=64), nullable=True),
    sa.Column('health_plans', sa.JSON(), nullable=True),
    sa.Column('time_zone', sa.String(length=64), nullable=True),
    sa.Column('case_refs', sa.JSON(), nullable=False),
    sa.Column('opens_appointment_id', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint(KINDS, name=op.f('ck_web_sessions_kind')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['reviewers.reviewer_id'], name=op.f('fk_web_sessions_reviewer_id_reviewers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_web_sessions'))
    )
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_web_sessions_expires_at', ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_web_sessions_expires_at')
    op.drop_table('web_sessions')
    with op.batch_alter_table('sign_in_links', schema=None) as batch_op:
        batch_op.drop_index('ix_sign_in_links_expires_at')
    op.drop_table('sign_in_links')
