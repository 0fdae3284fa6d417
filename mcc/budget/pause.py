"""The emergency pause: a flag every pre-flight reads; while it is on, no LLM call starts.

The flag is per owner (row `emergency_pause:<user id>` of system_state), like
every other budget row: one person's pause stops that person's agents, and no
account can stop another's. On the usual one-person install this is the same
as a global switch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ScalarSelect, select
from sqlalchemy.ext.asyncio import AsyncConnection

from mcc.budget.store import BudgetStore, insert_or_merge
from mcc.db.base import utcnow
from mcc.events import EventSink, user_room
from mcc.models.system_state import SystemState


def pause_key(owner_id: int) -> str:
    return f"emergency_pause:{owner_id}"


def is_paused_value(value: Any) -> bool:
    return isinstance(value, dict) and value.get("paused") is True


def pause_flag(owner_id: int) -> ScalarSelect[Any]:
    """The owner's pause row value as a scalar subquery, to read inside another statement."""
    return select(SystemState.value).where(SystemState.key == pause_key(owner_id)).scalar_subquery()


async def is_paused(conn: AsyncConnection, owner_id: int) -> bool:
    value = await conn.scalar(
        select(SystemState.value).where(SystemState.key == pause_key(owner_id))
    )
    return is_paused_value(value)


@dataclass(frozen=True)
class PauseState:
    paused: bool
    since: datetime | None = None
    reason: str | None = None
    lifted_at: datetime | None = None  # when off: when the person last lifted it

    @classmethod
    def of(cls, value: Any) -> PauseState:
        raw = value.get("since") if isinstance(value, dict) else None
        at = datetime.fromisoformat(raw) if isinstance(raw, str) else None
        if not is_paused_value(value):
            return cls(paused=False, lifted_at=at)
        return cls(
            paused=True,
            since=at,
            reason=value.get("reason") if isinstance(value.get("reason"), str) else None,
        )

    def event(self) -> dict[str, Any]:
        return {
            "paused": self.paused,
            "since": self.since.isoformat() if self.since else None,
            "reason": self.reason,
        }


async def pause_state(store: BudgetStore, owner_id: int) -> PauseState:
    async with store.reading() as conn:
        value = await conn.scalar(
            select(SystemState.value).where(SystemState.key == pause_key(owner_id))
        )
    return PauseState.of(value)


async def set_paused(
    store: BudgetStore,
    events: EventSink,
    owner_id: int,
    paused: bool,
    *,
    reason: str | None = None,
    now: datetime | None = None,
) -> PauseState:
    """Turn the owner's emergency pause on or off and tell the owner's open tabs (`system_state`)."""
    now = now or utcnow()
    async with store.transaction() as conn:
        current = PauseState.of(
            await conn.scalar(
                select(SystemState.value).where(SystemState.key == pause_key(owner_id))
            )
        )
        if paused and current.paused:
            state = current  # pausing twice keeps the first time and reason
        else:
            state = (
                PauseState(paused=True, since=now, reason=reason) if paused else PauseState(False)
            )
            value = {"paused": state.paused, "since": now.isoformat(), "reason": state.reason}
            upsert = insert_or_merge(conn, SystemState).values(
                key=pause_key(owner_id), value=value, updated_at=now
            )
            await conn.execute(
                upsert.on_conflict_do_update(
                    index_elements=[SystemState.key],
                    set_={"value": upsert.excluded.value, "updated_at": upsert.excluded.updated_at},
                )
            )
    await events.emit("system_state", state.event(), user_room(owner_id))
    return state
