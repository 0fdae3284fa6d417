"""Cost per merged pull request, day by day: what a merge costs, and whether that is falling."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from mcc.budget.day import budget_day, budget_zone
from mcc.budget.money import QUANTUM, ZERO, usd_of_sum
from mcc.budget.store import BudgetStore
from mcc.models.project import Project
from mcc.models.pull_request import PullRequest
from mcc.models.token_usage import TokenUsage

# The trailing window that smooths the daily figure (a day with one merge says little).
WINDOW_DAYS = 7


@dataclass(frozen=True)
class TrendDay:
    day: date
    merged_prs: int
    spend_usd: Decimal
    # None on a day (or window) without a merge: nothing to divide by.
    cost_per_merged_pr_usd: Decimal | None
    window_cost_per_merged_pr_usd: Decimal | None


@dataclass(frozen=True)
class CostTrend:
    start: date
    end: date
    days: list[TrendDay]
    merged_prs: int
    spend_usd: Decimal
    cost_per_merged_pr_usd: Decimal | None


def per_merge(spend: Decimal, merges: int) -> Decimal | None:
    """Spend divided over merges, at the money columns' resolution; None without a merge."""
    return (spend / merges).quantize(QUANTUM) if merges else None


async def cost_trend(
    store: BudgetStore, owner_id: int, *, start: date, end: date, timezone: str
) -> CostTrend:
    """Per budget day of `start`..`end`: pull requests merged, LLM spend, and their ratio,
    also over the trailing `WINDOW_DAYS` (all of the owner's projects, deleted ones' spend
    included: it was spent)."""
    first = start - timedelta(days=WINDOW_DAYS - 1)
    async with store.reading() as conn:
        spend_rows = await conn.execute(
            select(TokenUsage.day, func.sum(TokenUsage.cost_usd))
            .where(TokenUsage.owner_id == owner_id, TokenUsage.day >= first, TokenUsage.day <= end)
            .group_by(TokenUsage.day)
        )
        spend = {row[0]: usd_of_sum(row[1]) for row in spend_rows.all()}
        # A budget day spans UTC midnight: ask a day wider on both sides, bucket in Python.
        since = datetime.combine(first - timedelta(days=1), time(), tzinfo=UTC)
        until = datetime.combine(end + timedelta(days=2), time(), tzinfo=UTC)
        closed = await conn.execute(
            select(PullRequest.closed_at)
            .join(Project, Project.id == PullRequest.project_id)
            .where(
                Project.owner_id == owner_id,
                PullRequest.state == "merged",
                PullRequest.closed_at >= since,
                PullRequest.closed_at < until,
            )
        )
        zone = budget_zone(timezone)
        merges = Counter(budget_day(at, zone) for (at,) in closed.all() if at is not None)
    days = []
    for n in range((end - start).days + 1):
        day = start + timedelta(days=n)
        window = [day - timedelta(days=k) for k in range(WINDOW_DAYS)]
        window_spend = sum((spend.get(d, ZERO) for d in window), ZERO)
        window_merges = sum(merges.get(d, 0) for d in window)
        days.append(
            TrendDay(
                day=day,
                merged_prs=merges.get(day, 0),
                spend_usd=spend.get(day, ZERO),
                cost_per_merged_pr_usd=per_merge(spend.get(day, ZERO), merges.get(day, 0)),
                window_cost_per_merged_pr_usd=per_merge(window_spend, window_merges),
            )
        )
    total_spend = sum((d.spend_usd for d in days), ZERO)
    total_merges = sum(d.merged_prs for d in days)
    return CostTrend(
        start=start,
        end=end,
        days=days,
        merged_prs=total_merges,
        spend_usd=total_spend,
        cost_per_merged_pr_usd=per_merge(total_spend, total_merges),
    )
