"""Reviewer case types as rows, so the slot search picks trained reviewers in SQL.

Backfilled from reviewers.case_types.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reviewer_case_types',
    sa.Column('reviewer_id', sa.String(length=64), nullable=False),
    sa.Column('case_type', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['reviewer_id'], ['reviewers.reviewer_id'], name=op.f('fk_reviewer_case_types_reviewer_id_reviewers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('reviewer_id', 'case_type', name=op.f('pk_reviewer_case_types'))
    )
    with op.batch_alter_table('reviewer_case_types', schema=None) as batch_op:
        batch_op.create_index('ix_reviewer_case_types_case_type', ['case_type', 'reviewer_id'], unique=False)


    reviewers = sa.table("reviewers", sa.column("reviewer_id", sa.String), sa.column("case_types", sa.JSON))
    rows = [
        {"reviewer_id": reviewer_id, "case_type": case_type}
        for reviewer_id, case_types in op.get_bind().execute(sa.select(reviewers))
        for case_type in set(case_types or [])
    ]
    if rows:
        op.bulk_insert(sa.table("reviewer_case_types", sa.column("reviewer_id"), sa.column("case_type")), rows)


def downgrade():
    with op.batch_alter_table('reviewer_case_types', schema=None) as batch_op:
        batch_op.drop_index('ix_reviewer_case_types_case_type')

    op.drop_table('reviewer_case_types')
