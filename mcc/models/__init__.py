"""ORM models, one concept per module."""


def load_all() -> None:
    """Import every model module so `Base.metadata` knows all tables (for Alembic)."""
    from mcc.models import (  # noqa: F401
        issue,
        project,
        pull_request,
        recovery_code,
        refresh_token,
        user,
    )
