"""decisions remember when their signal reached the run, so an undelivered one is resent

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("signalled_at", sa.DateTime(timezone=True), nullable=True))
    # Decisions stored before were delivered (a failed delivery withdrew its claim), and a
    # run from before approval rounds must not get an old round's decision a second time.
    op.execute("UPDATE decisions SET signalled_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("signalled_at")
