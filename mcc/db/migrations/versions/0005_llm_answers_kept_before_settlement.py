"""llm answers kept before settlement

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 18:20:29.347622
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('llm_answers',
    sa.Column('idempotency_key', sa.String(length=300), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('idempotency_key', name=op.f('pk_llm_answers'))
    )


def downgrade() -> None:
    op.drop_table('llm_answers')
