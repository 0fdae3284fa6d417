"""the repository's CI: a project may ignore it; a pull request remembers its last result;
a webhook delivery's claim records when its handling finished

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-06 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("ignore_ci", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("pull_requests") as batch:
        batch.add_column(sa.Column("ci_state", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("ci_summary", sa.Text(), nullable=True))
    with op.batch_alter_table("webhook_deliveries") as batch:
        batch.add_column(sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True))
    # Deliveries claimed before: their handling is long over.
    op.execute("UPDATE webhook_deliveries SET handled_at = received_at")


def downgrade() -> None:
    with op.batch_alter_table("webhook_deliveries") as batch:
        batch.drop_column("handled_at")
    with op.batch_alter_table("pull_requests") as batch:
        batch.drop_column("ci_summary")
        batch.drop_column("ci_state")
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("ignore_ci")
