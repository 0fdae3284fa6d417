"""An agent's budget share: one row of the budget tree (scope "agent"), read and
written through the budget's own rules so shares never exceed 100% of a project."""

from __future__ import annotations

from decimal import Decimal

from mcc.budget.limits import create_limit, list_limits, update_limit
from mcc.budget.store import BudgetStore
from mcc.db.engine import Database


async def agent_shares(
    db: Database, owner_id: int, project_id: int, default_daily_usd: Decimal
) -> dict[str, Decimal]:
    views = await list_limits(BudgetStore.of(db), owner_id, default_daily_usd)
    return {
        view.agent_name: view.share_pct
        for view in views
        if view.scope == "agent"
        and view.project_id == project_id
        and view.agent_name is not None
        and view.share_pct is not None
    }


async def set_agent_share(
    db: Database,
    owner_id: int,
    project_id: int,
    agent_name: str,
    share_pct: Decimal,
    default_daily_usd: Decimal,
) -> None:
    store = BudgetStore.of(db)
    views = await list_limits(store, owner_id, default_daily_usd)
    existing = next(
        (
            v
            for v in views
            if v.scope == "agent" and v.project_id == project_id and v.agent_name == agent_name
        ),
        None,
    )
    if existing is not None:
        await update_limit(
            store, owner_id, existing.id, default_daily_usd=default_daily_usd, share_pct=share_pct
        )
    else:
        await create_limit(
            store,
            owner_id,
            scope="agent",
            default_daily_usd=default_daily_usd,
            project_id=project_id,
            agent_name=agent_name,
            share_pct=share_pct,
        )
