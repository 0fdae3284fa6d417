"""An agent's budget share: one row of the budget tree (scope "agent"), read and
written through the budget's own rules so shares never exceed 100% of a project."""

from __future__ import annotations

from decimal import Decimal

from mcc.budget.errors import BudgetSharesExceeded
from mcc.budget.limits import LimitView, create_limit, delete_limit, list_limits, update_limit
from mcc.budget.store import BudgetStore
from mcc.db.engine import Database

_HUNDRED = Decimal(100)


def _agent_limit(views: list[LimitView], project_id: int, agent_name: str) -> LimitView | None:
    return next(
        (
            v
            for v in views
            if v.scope == "agent" and v.project_id == project_id and v.agent_name == agent_name
        ),
        None,
    )


def _shares(views: list[LimitView]) -> dict[tuple[int, str], Decimal]:
    return {
        (view.project_id, view.agent_name): view.share_pct
        for view in views
        if view.scope == "agent"
        and view.project_id is not None
        and view.agent_name is not None
        and view.share_pct is not None
    }


async def agent_shares(
    db: Database, owner_id: int, default_daily_usd: Decimal
) -> dict[tuple[int, str], Decimal]:
    """Every agent share of the owner's, by (project id, agent name): one read of the limits."""
    return _shares(await list_limits(BudgetStore.of(db), owner_id, default_daily_usd))


async def set_agent_share(
    db: Database,
    owner_id: int,
    project_id: int,
    agent_name: str,
    share_pct: Decimal,
    default_daily_usd: Decimal,
) -> None:
    """Set the agent's share; BudgetSharesExceeded (a sentence saying what still fits) when
    the project's agents would pass 100% together."""
    store = BudgetStore.of(db)
    views = await list_limits(store, owner_id, default_daily_usd)
    existing = _agent_limit(views, project_id, agent_name)
    try:
        if existing is not None:
            await update_limit(
                store,
                owner_id,
                existing.id,
                default_daily_usd=default_daily_usd,
                share_pct=share_pct,
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
    except BudgetSharesExceeded:
        others = sum(
            (
                share
                for (project, name), share in _shares(views).items()
                if project == project_id and name != agent_name
            ),
            Decimal(0),
        )
        room = max(_HUNDRED - others, Decimal(0))
        raise BudgetSharesExceeded(
            f"The other agents of this project already have {others.normalize():f}% of its "
            f"budget, so this share can be at most {room.normalize():f}%."
        ) from None


async def remove_agent_share(
    db: Database, owner_id: int, project_id: int, agent_name: str, default_daily_usd: Decimal
) -> None:
    """Drop a deleted agent's share, so it no longer counts against the project's 100%
    (and a later agent of the same name does not inherit it)."""
    store = BudgetStore.of(db)
    existing = _agent_limit(
        await list_limits(store, owner_id, default_daily_usd), project_id, agent_name
    )
    if existing is not None:
        await delete_limit(store, owner_id, existing.id)
