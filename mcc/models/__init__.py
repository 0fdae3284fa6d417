"""ORM models, one concept per module."""


def load_all() -> None:
    """Import every model module so `Base.metadata` knows all tables (for Alembic)."""
    from mcc.models import (  # noqa: F401
        agent,
        budget_ledger,
        budget_limit,
        budget_reservation,
        conversation,
        decision,
        issue,
        llm_answer,
        message,
        model_price,
        notification,
        project,
        pull_request,
        recovery_code,
        refresh_token,
        system_state,
        token_usage,
        user,
    )
