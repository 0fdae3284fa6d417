"""decision rounds: numbered approval rounds on issues, one claimed decision per round

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('issues') as batch:
        batch.add_column(sa.Column('round', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('gate', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('head_sha', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('resume_phase', sa.String(length=32), nullable=True))
    # Runs waiting when MCC is upgraded get their waiting point as round 1, so the
    # person can decide on them under the new rules (the head is unknown: not checked).
    op.execute(
        "UPDATE issues SET round = 1, gate = 'merge' WHERE phase = 'awaiting_approval'"
    )
    op.execute(
        "UPDATE issues SET round = 1, gate = 'attention' WHERE phase = 'needs_attention'"
    )
    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('gate', sa.String(length=16), nullable=False),
    sa.Column('head_sha', sa.String(length=64), nullable=True),
    sa.Column('feedback', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['issue_id'], ['issues.id'], name=op.f('fk_decisions_issue_id_issues'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_decisions_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions')),
    sa.UniqueConstraint('issue_id', 'round', name=op.f('uq_decisions_issue_id_round'))
    )


def downgrade() -> None:
    op.drop_table('decisions')
    with op.batch_alter_table('issues') as batch:
        batch.drop_column('resume_phase')
        batch.drop_column('head_sha')
        batch.drop_column('gate')
        batch.drop_column('round')
