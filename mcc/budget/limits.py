"""The owner's budget limits: create, change, delete, list, each checked against its level's siblings.

Writes of one owner are serialized (PostgreSQL: a lock on the owner's user
row; SQLite: the budget store's serialized writer), so two concurrent requests
cannot each add a share that fits alone and together pass 100%.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from mcc.budget.errors import BudgetSharesExceeded
from mcc.budget.levels import LimitRule, Scope, effective_limits, level_key, levels_of
from mcc.budget.store import BudgetStore
from mcc.db.base import utcnow
from mcc.errors import Conflict, InvalidInput, NotFound
from mcc.models.agent import Agent
from mcc.models.budget_limit import BudgetLimit
from mcc.models.project import Project
from mcc.models.user import User

AGENT_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
_HUNDRED = Decimal(100)
_COLUMNS = (
    BudgetLimit.id,
    BudgetLimit.scope,
    BudgetLimit.project_id,
    BudgetLimit.agent_name,
    BudgetLimit.level_key,
    BudgetLimit.daily_usd,
    BudgetLimit.share_pct,
    BudgetLimit.created_at,
    BudgetLimit.updated_at,
)


@dataclass(frozen=True)
class LimitView:
    id: int
    scope: str
    project_id: int | None
    agent_name: str | None
    level_key: str
    daily_usd: Decimal | None
    share_pct: Decimal | None
    limit_usd: Decimal | None  # what the level may spend per day, as the tree stands now
    created_at: datetime
    updated_at: datetime


async def list_limits(
    store: BudgetStore, owner_id: int, default_daily_usd: Decimal
) -> list[LimitView]:
    async with store.reading() as conn:
        rows = await _rows(conn, owner_id)
    return _views(rows, default_daily_usd)


async def create_limit(
    store: BudgetStore,
    owner_id: int,
    *,
    scope: Scope,
    default_daily_usd: Decimal,
    project_id: int | None = None,
    agent_name: str | None = None,
    daily_usd: Decimal | None = None,
    share_pct: Decimal | None = None,
) -> LimitView:
    """Add the limit of one level; raises InvalidInput, BudgetSharesExceeded, NotFound, Conflict."""
    _check_values(scope, daily_usd, share_pct)
    if scope == "global":
        project_id = agent_name = None
    elif project_id is None:
        raise InvalidInput(f"a {scope} limit needs a project_id")
    if scope == "project":
        agent_name = None
    elif scope == "agent" and not (agent_name and AGENT_NAME.match(agent_name)):
        raise InvalidInput("agent_name: 1-100 letters, digits, '_', '.' or '-'")
    key = level_key(scope, project_id, agent_name)
    now = utcnow()
    try:
        async with store.transaction() as conn:
            await _serialize(conn, owner_id)
            if project_id is not None:
                project_name = await _own_project(conn, owner_id, project_id)
                if agent_name is not None:
                    await _has_agent(conn, project_id, project_name, agent_name)
            rows = await _rows(conn, owner_id)
            if any(row.level_key == key for row in rows):
                raise Conflict(f"the {scope} level already has a limit: change it instead")
            _check_shares(rows, scope, project_id, key, share_pct)
            await conn.execute(
                insert(BudgetLimit).values(
                    owner_id=owner_id,
                    scope=scope,
                    project_id=project_id,
                    agent_name=agent_name,
                    level_key=key,
                    daily_usd=daily_usd,
                    share_pct=share_pct,
                    created_at=now,
                    updated_at=now,
                )
            )
            rows = await _rows(conn, owner_id)
    except IntegrityError as exc:
        raise Conflict(f"the {scope} level already has a limit: change it instead") from exc
    return next(view for view in _views(rows, default_daily_usd) if view.level_key == key)


async def update_limit(
    store: BudgetStore,
    owner_id: int,
    limit_id: int,
    *,
    default_daily_usd: Decimal,
    daily_usd: Decimal | None = None,
    share_pct: Decimal | None = None,
) -> LimitView:
    async with store.transaction() as conn:
        await _serialize(conn, owner_id)
        rows = await _rows(conn, owner_id)
        row = next((r for r in rows if r.id == limit_id), None)
        if row is None:
            raise NotFound(f"budget limit {limit_id} not found")
        _check_values(row.scope, daily_usd, share_pct)
        _check_shares(rows, row.scope, row.project_id, row.level_key, share_pct)
        await conn.execute(
            update(BudgetLimit)
            .where(BudgetLimit.id == limit_id)
            .values(daily_usd=daily_usd, share_pct=share_pct, updated_at=utcnow())
        )
        rows = await _rows(conn, owner_id)
    return next(view for view in _views(rows, default_daily_usd) if view.id == limit_id)


async def delete_limit(store: BudgetStore, owner_id: int, limit_id: int) -> None:
    """Remove a limit: the level is then bounded by its parent (global: the default limit)."""
    async with store.transaction() as conn:
        deleted = await conn.scalar(
            delete(BudgetLimit)
            .where(BudgetLimit.id == limit_id, BudgetLimit.owner_id == owner_id)
            .returning(BudgetLimit.id)
        )
    if deleted is None:
        raise NotFound(f"budget limit {limit_id} not found")


def _check_values(scope: str, daily_usd: Decimal | None, share_pct: Decimal | None) -> None:
    if scope == "global":
        if daily_usd is None or share_pct is not None:
            raise InvalidInput("the global limit is a daily_usd amount (and has no share_pct)")
        if not daily_usd.is_finite() or daily_usd < 0:
            raise InvalidInput("daily_usd must be a non-negative amount")
        return
    if share_pct is None or daily_usd is not None:
        raise InvalidInput(f"a {scope} limit is a share_pct of its parent (and has no daily_usd)")
    if not share_pct.is_finite() or not 0 <= share_pct <= _HUNDRED:
        raise InvalidInput("share_pct must be between 0 and 100")


def _check_shares(
    rows: Sequence[LimitView],
    scope: str,
    project_id: int | None,
    key: str,
    share_pct: Decimal | None,
) -> None:
    """The shares of one level's children (all projects; one project's agents) stay ≤ 100%."""
    if scope == "global" or share_pct is None:
        return
    siblings = [
        row.share_pct or Decimal(0)
        for row in rows
        if row.scope == scope
        and row.level_key != key
        and (scope == "project" or row.project_id == project_id)
    ]
    total = sum(siblings, Decimal(0)) + share_pct
    if total > _HUNDRED:
        of = "the global limit" if scope == "project" else f"project {project_id}'s limit"
        raise BudgetSharesExceeded(
            f"the {scope} shares of {of} would total {total.normalize():f}% (at most 100%): "
            "lower another share first"
        )


async def _serialize(conn: AsyncConnection, owner_id: int) -> None:
    if conn.dialect.name == "postgresql":
        # NO KEY UPDATE: budget rows' foreign keys (FOR KEY SHARE) are not blocked.
        await conn.execute(
            select(User.id).where(User.id == owner_id).with_for_update(key_share=True)
        )


async def _own_project(conn: AsyncConnection, owner_id: int, project_id: int) -> str:
    """The project's name, if the owner's; NotFound otherwise."""
    row = (
        await conn.execute(select(Project.owner_id, Project.name).where(Project.id == project_id))
    ).first()
    if row is None or row.owner_id != owner_id:
        raise NotFound(f"project {project_id} not found")
    return str(row.name)


async def _has_agent(
    conn: AsyncConnection, project_id: int, project_name: str, agent_name: str
) -> None:
    """A share for a name no agent has would take room from the project's real agents."""
    found = await conn.scalar(
        select(Agent.id).where(Agent.project_id == project_id, Agent.name == agent_name)
    )
    if found is None:
        raise InvalidInput(
            f"no agent named {agent_name!r} in project {project_name!r} (id {project_id}):"
            " create the agent first, or check the name"
        )


async def _rows(conn: AsyncConnection, owner_id: int) -> list[LimitView]:
    result = await conn.execute(
        select(*_COLUMNS).where(BudgetLimit.owner_id == owner_id).order_by(BudgetLimit.id)
    )
    return [LimitView(**row._asdict(), limit_usd=None) for row in result]


def _views(rows: Sequence[LimitView], default_daily_usd: Decimal) -> list[LimitView]:
    rules = {row.level_key: LimitRule(row.daily_usd, row.share_pct) for row in rows}
    views = []
    for row in rows:
        levels = levels_of(row.project_id, row.agent_name)
        limit = effective_limits(levels, rules, default_daily_usd)[row.level_key]
        views.append(LimitView(**{**row.__dict__, "limit_usd": limit}))
    return views
