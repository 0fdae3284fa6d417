"""issues keep their run's loop counts (tests, review, rejections) beside its artifacts

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("test_loops", "review_loops", "rejections")


def upgrade() -> None:
    with op.batch_alter_table("issue_artifacts") as batch:
        for name in _COLUMNS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("issue_artifacts") as batch:
        for name in reversed(_COLUMNS):
            batch.drop_column(name)
