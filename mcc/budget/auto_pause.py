"""The emergency pause turns on by itself when going on can only waste money or fail:
the provider refuses the key or reports no credit left, or spend in the last minutes
passes a share of the daily limit. It says why; the person lifts it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from mcc.budget.limits import list_limits
from mcc.budget.pause import pause_state, set_paused
from mcc.budget.store import BudgetStore
from mcc.db.base import utcnow
from mcc.errors import MccError
from mcc.events import EventSink
from mcc.llm.errors import LLMAuthError, LLMBadRequest
from mcc.models.project import Project
from mcc.models.token_usage import TokenUsage
from mcc.notifications.service import Notifications
from mcc.notifications.system import pause_notification

NO_CREDIT = 402  # OpenRouter and others: the account has no credit left


def critical_reason(exc: MccError) -> str | None:
    """Why this provider error must stop every agent (None: it need not)."""
    if isinstance(exc, LLMAuthError):
        return f"the LLM provider refused the API key ({exc.status_code})"
    if isinstance(exc, LLMBadRequest) and getattr(exc, "status_code", None) == NO_CREDIT:
        return "the LLM provider reports no credit left (402)"
    return None


@dataclass
class AutoPause:
    store: BudgetStore
    events: EventSink
    notifications: Notifications
    default_daily_usd: Decimal
    spend_share: Decimal
    window: timedelta

    async def owner_of(self, project_id: int) -> int | None:
        async with self.store.db.sessions() as session:
            project = await session.get(Project, project_id)
        return project.owner_id if project is not None else None

    async def after_error(self, owner_id: int, exc: MccError) -> bool:
        """Pause when `exc` is a critical provider error; True when it paused now."""
        reason = critical_reason(exc)
        return reason is not None and await self.pause(owner_id, reason)

    async def after_spend(self, owner_id: int, now: datetime | None = None) -> bool:
        """Pause when the last window's spend passed its share of the daily limit.

        Spend from before the person last lifted the pause does not count: they saw
        it and chose to go on, and counting it would pause again at the next call
        (the orchestrator's own answer to "lift the pause" included).
        """
        if self.spend_share <= 0:
            return False
        now = now or utcnow()
        state = await pause_state(self.store, owner_id)
        if state.paused:
            return False
        start = now - self.window
        if state.lifted_at is not None and state.lifted_at > start:
            start = state.lifted_at
        async with self.store.reading() as conn:
            spent = await conn.scalar(
                select(func.coalesce(func.sum(TokenUsage.cost_usd), 0)).where(
                    TokenUsage.owner_id == owner_id, TokenUsage.created_at >= start
                )
            )
        limit = await self.daily_limit(owner_id)
        spent = Decimal(str(spent or 0))
        if limit <= 0 or spent <= limit * self.spend_share:
            return False
        minutes = int(self.window.total_seconds() // 60)
        return await self.pause(
            owner_id,
            f"${spent:.2f} spent in the last {minutes} minutes, over "
            f"{self.spend_share * 100:.0f}% of the ${limit:.2f} daily limit",
        )

    async def daily_limit(self, owner_id: int) -> Decimal:
        views = await list_limits(self.store, owner_id, self.default_daily_usd)
        found = next((v.limit_usd for v in views if v.scope == "global"), None)
        return found if found is not None else self.default_daily_usd

    async def pause(self, owner_id: int, reason: str) -> bool:
        """Turn the pause on with `reason` and tell the person; False when it was on already."""
        if (await pause_state(self.store, owner_id)).paused:
            return False
        state = await set_paused(
            self.store, self.events, owner_id, True, reason=f"automatic: {reason}"
        )
        await self.notifications.notify(
            owner_id, pause_notification(True, state.since or utcnow(), state.reason)
        )
        return True
