"""projects can be archived; slugs of deleted projects stay retired

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.add_column(
            sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "retired_slugs",
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_retired_slugs")),
    )


def downgrade() -> None:
    op.drop_table("retired_slugs")
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("archived")
