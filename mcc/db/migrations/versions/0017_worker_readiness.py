"""each worker process reports its LLM and sandbox readiness for the API's health

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "worker_readiness",
        sa.Column("identity", sa.String(length=300), nullable=False),
        sa.Column("llm_state", sa.String(length=16), nullable=False),
        sa.Column("llm_detail", sa.Text(), nullable=False),
        sa.Column("sandbox_state", sa.String(length=16), nullable=False),
        sa.Column("sandbox_detail", sa.Text(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("identity", name=op.f("pk_worker_readiness")),
    )


def downgrade() -> None:
    op.drop_table("worker_readiness")
