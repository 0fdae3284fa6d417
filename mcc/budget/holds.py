"""The values of budget bookkeeping: a reservation request, the hold it gives, what a call was charged."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from mcc.budget.alerts import Alert
from mcc.budget.errors import BudgetExceeded
from mcc.budget.levels import Level, levels_of
from mcc.models.token_usage import TokenUsage


@dataclass(frozen=True)
class ReserveRequest:
    """Hold a call's worst case at every budget level, unless paused or over a limit.

    `pause_exempt` lets the call through the owner's emergency pause, and nothing
    else: it is set only for the person's own orchestrator conversation, so that
    "lift the pause", said from a phone, can be understood and acted on while every
    agent is stopped. The orchestrator speaks only when the person writes to it (a
    few bounded steps per message), so the exemption cannot run away with money,
    and the hard stop at 100% of any level still refuses its calls: a pause may be
    lifted by talking, a spent budget only by raising the limit.
    """

    owner_id: int
    idempotency_key: str
    project_id: int | None
    agent_name: str | None
    amount: Decimal  # the worst-case cost
    now: datetime
    day: date
    ttl: timedelta
    default_daily_usd: Decimal
    pause_exempt: bool = False

    @property
    def levels(self) -> tuple[Level, ...]:
        return levels_of(self.project_id, self.agent_name)


@dataclass(frozen=True)
class Hold:
    """A reservation held for one call."""

    idempotency_key: str
    owner_id: int
    day: date
    project_id: int | None
    agent_name: str | None
    amount: Decimal
    reused: bool

    @property
    def levels(self) -> tuple[Level, ...]:
        return levels_of(self.project_id, self.agent_name)


@dataclass(frozen=True)
class Charge:
    """What the call consumed, for its token_usage row."""

    cost_usd: Decimal
    cost_source: str  # provider | tokens | reservation
    model: str
    agent_type: str
    tokens_in: int
    tokens_out: int
    conversation_id: int | None
    task_id: str | None


@dataclass(frozen=True)
class ChargedUsage:
    """A token_usage row: what one call consumed and was charged."""

    idempotency_key: str
    owner_id: int
    day: date
    created_at: datetime
    project_id: int | None
    agent_name: str
    agent_type: str
    model: str
    tokens_in: int
    tokens_out: int
    cost_usd: Decimal
    cost_source: str
    conversation_id: int | None
    task_id: str | None

    @classmethod
    def of(cls, hold: Hold, charge: Charge, now: datetime) -> ChargedUsage:
        return cls(
            idempotency_key=hold.idempotency_key,
            owner_id=hold.owner_id,
            day=hold.day,
            created_at=now,
            project_id=hold.project_id,
            agent_name=hold.agent_name or "",
            agent_type=charge.agent_type,
            model=charge.model,
            tokens_in=charge.tokens_in,
            tokens_out=charge.tokens_out,
            cost_usd=charge.cost_usd,
            cost_source=charge.cost_source,
            conversation_id=charge.conversation_id,
            task_id=charge.task_id,
        )


@dataclass(frozen=True)
class Replay:
    """The call of this idempotency key was already settled: here is what it was charged."""

    usage: ChargedUsage


@dataclass(frozen=True)
class Refusal:
    error: BudgetExceeded
    alerts: list[Alert]


@dataclass(frozen=True)
class Settlement:
    usage: ChargedUsage
    alerts: list[Alert]
    replayed: bool  # settled before (by another attempt): nothing was charged now


_USAGE_COLUMNS = [getattr(TokenUsage, field.name) for field in fields(ChargedUsage)]


async def load_usage(conn: AsyncConnection, idempotency_key: str) -> ChargedUsage:
    row = (
        await conn.execute(
            select(*_USAGE_COLUMNS).where(TokenUsage.idempotency_key == idempotency_key)
        )
    ).one()
    return ChargedUsage(**row._asdict())
