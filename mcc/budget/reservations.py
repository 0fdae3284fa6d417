"""Reserve → settle (or release): the budget bookkeeping around one LLM call.

`reserve` holds the call's worst-case cost at every level of the call at
once, or refuses it. `settle` turns the hold into the real cost and writes the
call's token_usage row in the same transaction; `release` gives the hold back
when the call failed.

Holds are keyed by the caller's idempotency key: a retried call whose hold is
still there reuses it, and one whose call was already settled gets the stored
usage back instead of a second charge. A hold whose caller vanished expires:
the next reservation of the same owner releases it, so no background job is
needed.

SQLite runs the Python implementation (`serialized`) in its serialized writer;
PostgreSQL runs the same rules as server-side functions (`pg_functions`).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from mcc.budget.holds import Charge, Hold, Refusal, Replay, ReserveRequest, Settlement
from mcc.budget.pg_functions import reserve_pg, settle_pg
from mcc.budget.serialized import in_transaction, release_locked, reserve_locked, settle_locked
from mcc.budget.store import BudgetStore


async def reserve(store: BudgetStore, request: ReserveRequest) -> Hold | Replay | Refusal:
    """Hold `request.amount` at every level of the call, or refuse; raises SystemPaused."""
    if not store.sqlite:
        return await reserve_pg(store, request)

    async def work(conn: AsyncConnection) -> Hold | Replay | Refusal:
        return await reserve_locked(conn, request)

    try:
        return await in_transaction(store, request.owner_id, work)
    except IntegrityError:
        # Another attempt with the same key inserted its hold first: use that one.
        return await in_transaction(store, request.owner_id, work)


async def settle(
    store: BudgetStore, hold: Hold, charge: Charge, *, now: datetime, default_daily_usd: Decimal
) -> Settlement:
    """Replace the hold by the real cost at every level and record the call's usage, once."""
    if not store.sqlite:
        return await settle_pg(store, hold, charge, now=now, default_daily_usd=default_daily_usd)

    async def work(conn: AsyncConnection) -> Settlement:
        return await settle_locked(conn, hold, charge, now=now, default_daily_usd=default_daily_usd)

    return await in_transaction(store, hold.owner_id, work)


async def release(store: BudgetStore, hold: Hold, *, now: datetime) -> None:
    """Give the hold back (the call failed before costing anything we can know of)."""

    async def work(conn: AsyncConnection) -> None:
        await release_locked(conn, hold, now=now)

    await in_transaction(store, hold.owner_id, work)
