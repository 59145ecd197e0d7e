"""API keys, policies, state rules and cases.

Instants are stored as naive UTC (see p2p.timestamps.UTCDateTime).

Revision ID: 0001
Revises: 
Create Date: 2026-11-24

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("role IN ('portal', 'admin')", name=op.f('ck_api_keys_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_api_keys_key_hash')),
    sa.UniqueConstraint('name', name=op.f('uq_api_keys_name'))
    )
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_ref', sa.String(length=64), nullable=False),
    sa.Column('episode_id', sa.String(length=64), nullable=False),
    sa.Column('member_name', sa.String(length=200), nullable=False),
    sa.Column('member_dob', sa.Date(), nullable=False),
    sa.Column('member_state', sa.String(length=2), nullable=False),
    sa.Column('member_id', sa.String(length=64), nullable=False),
    sa.Column('health_plan', sa.String(length=64), nullable=False),
    sa.Column('line_of_business', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('determination_at', sa.DateTime(), nullable=True),
    sa.Column('info_due_at', sa.DateTime(), nullable=True),
    sa.Column('additional_info_received', sa.Boolean(), nullable=False),
    sa.Column('appeal_filed', sa.Boolean(), nullable=False),
    sa.Column('reconsideration_completed', sa.Boolean(), nullable=False),
    sa.Column('service_rendered', sa.Boolean(), nullable=False),
    sa.Column('case_type', sa.String(length=100), nullable=False),
    sa.Column('specialty', sa.String(length=100), nullable=False),
    sa.Column('ordering_provider_npi', sa.String(length=10), nullable=False),
    sa.Column('ordering_provider_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("line_of_business IN ('commercial', 'medicare', 'medicaid', 'chip')", name=op.f('ck_cases_line_of_business')),
    sa.CheckConstraint("status IN ('pended', 'denied', 'partially_approved', 'approved', 'withdrawn')", name=op.f('ck_cases_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('case_ref', name=op.f('uq_cases_case_ref'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_ordering_provider_npi', ['ordering_provider_npi'], unique=False)

    op.create_table('policies',
    sa.Column('health_plan', sa.String(length=64), nullable=False),
    sa.Column('line_of_business', sa.String(length=20), nullable=False),
    sa.Column('deadline_time_zone', sa.String(length=64), nullable=False),
    sa.Column('reconsideration', sa.JSON(), nullable=True),
    sa.Column('first_level_appeal', sa.JSON(), nullable=True),
    sa.Column('second_level_appeal', sa.JSON(), nullable=True),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("line_of_business IN ('commercial', 'medicare', 'medicaid', 'chip')", name=op.f('ck_policies_line_of_business')),
    sa.PrimaryKeyConstraint('health_plan', 'line_of_business', name=op.f('pk_policies'))
    )
    op.create_table('state_rules',
    sa.Column('state', sa.String(length=2), nullable=False),
    sa.Column('requires_state_license', sa.Boolean(), nullable=False),
    sa.Column('requires_same_specialty', sa.Boolean(), nullable=False),
    sa.Column('requires_member_consent', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('state', name=op.f('pk_state_rules'))
    )


def downgrade():
    op.drop_table('state_rules')
    op.drop_table('policies')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_ordering_provider_npi')

    op.drop_table('cases')
    op.drop_table('api_keys')
