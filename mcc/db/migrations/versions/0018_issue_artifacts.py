"""issues keep their run's spec, latest test report and review, and why the run stopped

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "issue_artifacts",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("spec", sa.Text(), nullable=True),
        sa.Column("test_report", sa.JSON(), nullable=True),
        sa.Column("review", sa.Text(), nullable=True),
        sa.Column("review_verdict", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["issues.id"],
            name=op.f("fk_issue_artifacts_issue_id_issues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("issue_id", name=op.f("pk_issue_artifacts")),
    )
    with op.batch_alter_table("issues") as batch:
        batch.add_column(sa.Column("error", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("issues") as batch:
        batch.drop_column("error")
    op.drop_table("issue_artifacts")
