"""github projects and webhook deliveries

Revision ID: 0007_github_projects
Revises: 0006
Create Date: 2026-12-06 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_github_projects"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.add_column(
            sa.Column("forge", sa.String(length=16), server_default="local", nullable=False)
        )
        batch.add_column(sa.Column("github_repo", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("github_installation_id", sa.BigInteger(), nullable=True))
        batch.add_column(
            sa.Column("trigger_label", sa.String(length=50), server_default="mcc", nullable=False)
        )
        batch.create_index(op.f("ix_projects_github_repo"), ["github_repo"], unique=False)
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("delivery_id", sa.String(length=100), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
        sa.UniqueConstraint("delivery_id", name=op.f("uq_webhook_deliveries_delivery_id")),
    )


def downgrade() -> None:
    op.drop_table("webhook_deliveries")
    with op.batch_alter_table("projects") as batch:
        batch.drop_index(op.f("ix_projects_github_repo"))
        batch.drop_column("trigger_label")
        batch.drop_column("github_installation_id")
        batch.drop_column("github_repo")
        batch.drop_column("forge")
