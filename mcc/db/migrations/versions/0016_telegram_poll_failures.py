"""the Telegram bot row counts the poller's failures in a row (health reports them)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("telegram_bot") as batch:
        batch.add_column(
            sa.Column("poll_failures", sa.Integer(), server_default="0", nullable=False)
        )
        batch.add_column(sa.Column("poll_error", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("telegram_bot") as batch:
        batch.drop_column("poll_error")
        batch.drop_column("poll_failures")
