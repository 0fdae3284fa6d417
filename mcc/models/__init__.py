"""ORM models, one concept per module."""


def load_all() -> None:
    """Import every model module so `Base.metadata` knows all tables (for Alembic)."""
    from mcc.models import issue, project, pull_request, user  # noqa: F401
