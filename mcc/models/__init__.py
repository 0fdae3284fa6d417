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
        issue_artifacts,
        llm_answer,
        message,
        model_price,
        notification,
        notification_channel,
        orchestrator_memory,
        project,
        pull_request,
        recovery_code,
        refresh_token,
        retired_slug,
        system_state,
        telegram,
        token_usage,
        user,
        webhook_delivery,
        worker_readiness,
    )
