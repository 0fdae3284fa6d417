"""What the budget screen and its charts show: today's spend and limit per level, and spend over a range."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from mcc.budget.levels import LimitRule, effective_limits, level_key, levels_of
from mcc.budget.money import ZERO
from mcc.budget.store import BudgetStore
from mcc.errors import InvalidInput
from mcc.models.budget_ledger import BudgetLedger
from mcc.models.budget_limit import BudgetLimit
from mcc.models.project import Project
from mcc.models.token_usage import TokenUsage

MAX_RANGE_DAYS = 366


@dataclass(frozen=True)
class LevelSpend:
    scope: str
    project_id: int | None
    agent: str | None
    spent_usd: Decimal
    reserved_usd: Decimal
    limit_usd: Decimal | None  # None: bounded only by the levels above

    @property
    def percent(self) -> float | None:
        if self.limit_usd is None:
            return None
        if self.limit_usd == 0:
            return 100.0 if self.spent_usd > 0 else 0.0
        return float(self.spent_usd / self.limit_usd * 100)


@dataclass(frozen=True)
class Spend:
    """Spend of one bucket (a day, a project, an agent, a model) over the range."""

    cost_usd: Decimal
    tokens_in: int
    tokens_out: int
    calls: int
    key: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BudgetSummary:
    day: date
    levels: list[LevelSpend]
    start: date
    end: date
    total: Spend
    by_day: list[Spend]
    by_project: list[Spend]
    by_agent: list[Spend]
    by_model: list[Spend]
    project_names: dict[int, str]


def summary_range(today: date, start: date | None, end: date | None) -> tuple[date, date]:
    """The range asked for; by default the 30 days up to today."""
    end = end or today
    start = start or end - timedelta(days=29)
    if start > end:
        raise InvalidInput("start must not be after end")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise InvalidInput(f"a summary covers at most {MAX_RANGE_DAYS} days")
    return start, end


async def budget_summary(
    store: BudgetStore,
    owner_id: int,
    *,
    today: date,
    start: date,
    end: date,
    default_daily_usd: Decimal,
) -> BudgetSummary:
    async with store.reading() as conn:
        levels = await _levels_today(conn, owner_id, today, default_daily_usd)
        usage = TokenUsage
        in_range = (usage.owner_id == owner_id, usage.day >= start, usage.day <= end)
        totals = (
            func.coalesce(func.sum(usage.cost_usd), ZERO),
            func.coalesce(func.sum(usage.tokens_in), 0),
            func.coalesce(func.sum(usage.tokens_out), 0),
            func.count(usage.id),
        )

        async def grouped(*keys: Any) -> list[Spend]:
            statement = select(*keys, *totals).where(*in_range)
            if keys:
                statement = statement.group_by(*keys).order_by(*keys)
            rows = (await conn.execute(statement)).all()
            names = [key.key for key in keys]
            return [
                Spend(
                    cost_usd=Decimal(row[len(keys)]),
                    tokens_in=int(row[len(keys) + 1]),
                    tokens_out=int(row[len(keys) + 2]),
                    calls=int(row[len(keys) + 3]),
                    key=dict(zip(names, row[: len(keys)], strict=True)),
                )
                for row in rows
            ]

        [total] = await grouped()
        by_day = {spend.key["day"]: spend for spend in await grouped(usage.day)}
        by_project = await grouped(usage.project_id)
        by_agent = await grouped(usage.project_id, usage.agent_name, usage.agent_type)
        by_model = await grouped(usage.model)
        names: dict[int, str] = {
            row.id: row.name
            for row in await conn.execute(
                select(Project.id, Project.name).where(Project.owner_id == owner_id)
            )
        }
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    return BudgetSummary(
        day=today,
        levels=levels,
        start=start,
        end=end,
        total=total,
        # Every day of the range, zero where nothing was spent, so charts have no gaps.
        by_day=[by_day.get(day) or Spend(ZERO, 0, 0, 0, {"day": day}) for day in days],
        by_project=by_project,
        by_agent=by_agent,
        by_model=by_model,
        project_names=names,
    )


async def levels_today(
    store: BudgetStore, owner_id: int, today: date, default_daily_usd: Decimal
) -> list[LevelSpend]:
    """Today's spend and limit of every level that spent or has a limit (and the global one)."""
    async with store.reading() as conn:
        return await _levels_today(conn, owner_id, today, default_daily_usd)


async def _levels_today(
    conn: AsyncConnection, owner_id: int, today: date, default_daily_usd: Decimal
) -> list[LevelSpend]:
    rules = {
        row.level_key: (row.project_id, row.agent_name, LimitRule(row.daily_usd, row.share_pct))
        for row in (
            await conn.execute(
                select(
                    BudgetLimit.level_key,
                    BudgetLimit.project_id,
                    BudgetLimit.agent_name,
                    BudgetLimit.daily_usd,
                    BudgetLimit.share_pct,
                ).where(BudgetLimit.owner_id == owner_id)
            )
        ).all()
    }
    ledger = {
        row.level_key: row
        for row in (
            await conn.execute(
                select(
                    BudgetLedger.level_key,
                    BudgetLedger.project_id,
                    BudgetLedger.agent_name,
                    BudgetLedger.spent_usd,
                    BudgetLedger.reserved_usd,
                ).where(BudgetLedger.owner_id == owner_id, BudgetLedger.day == today)
            )
        ).all()
    }
    # Every level that spent today or has a limit, and always the global one.
    where: dict[str, tuple[int | None, str | None]] = {level_key("global"): (None, None)}
    where |= {key: (row.project_id, row.agent_name) for key, row in ledger.items()}
    where |= {key: (project_id, agent) for key, (project_id, agent, _) in rules.items()}
    limit_rules = {key: rule for key, (_, _, rule) in rules.items()}
    spends = []
    for key, (project_id, agent) in where.items():
        levels = levels_of(project_id, agent)
        limit = effective_limits(levels, limit_rules, default_daily_usd)[key]
        row = ledger.get(key)
        spends.append(
            LevelSpend(
                scope=levels[-1].scope,
                project_id=project_id,
                agent=agent,
                spent_usd=row.spent_usd if row else ZERO,
                reserved_usd=row.reserved_usd if row else ZERO,
                limit_usd=limit,
            )
        )
    order = {"global": 0, "project": 1, "agent": 2}
    spends.sort(key=lambda s: (order[s.scope], s.project_id or 0, s.agent or ""))
    return spends
