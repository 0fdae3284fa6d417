"""the orchestrator: a conversation per person (no project), its memory, issues' origin key

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.alter_column("project_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_conversations_owner_id"), ["owner_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_conversations_owner_id_users"),
            "users",
            ["owner_id"],
            ["id"],
            ondelete="CASCADE",
        )
    with op.batch_alter_table("issues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("origin_key", sa.String(length=300), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_issues_origin_key"), ["origin_key"])
    op.create_table(
        "orchestrator_memory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_orchestrator_memory_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orchestrator_memory")),
        sa.UniqueConstraint("owner_id", "key", name=op.f("uq_orchestrator_memory_owner_id_key")),
    )
    with op.batch_alter_table("orchestrator_memory", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_orchestrator_memory_owner_id"), ["owner_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("orchestrator_memory", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orchestrator_memory_owner_id"))
    op.drop_table("orchestrator_memory")
    with op.batch_alter_table("issues", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_issues_origin_key"), type_="unique")
        batch_op.drop_column("origin_key")
    op.execute("DELETE FROM conversations WHERE project_id IS NULL")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_conversations_owner_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_conversations_owner_id"))
        batch_op.drop_column("owner_id")
        batch_op.alter_column("project_id", existing_type=sa.Integer(), nullable=False)
