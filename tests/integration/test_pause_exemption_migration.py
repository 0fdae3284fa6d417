"""The migration giving PostgreSQL's reserve its pause exemption: down restores the old
function, up brings the exemption back, and a worker still on the old call is refused."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import text

from mcc.budget.errors import SystemPaused
from mcc.budget.holds import Hold, ReserveRequest
from mcc.budget.pause import set_paused
from mcc.budget.reservations import reserve
from mcc.budget.store import BudgetStore
from mcc.db.engine import Database
from mcc.db.migrate import alembic_config, upgrade
from mcc.events import RecordedEvents
from tests.support.migrations import revision_before
from tests.support.owners import owner_with_project
from tests.support.postgres import temporary_database

NOW = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
OLD_CALL = text(
    "SELECT mcc_budget_reserve(:owner, :key, NULL, NULL, 0.01, :now, :day,"
    " interval '15 minutes', 10)->>'status'"
)


async def _signatures(db: Database) -> list[str]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT pg_get_function_identity_arguments(oid) FROM pg_proc"
                " WHERE proname = 'mcc_budget_reserve'"
            )
        )
        return [row[0] for row in rows]


async def _old_call(db: Database, owner: int, key: str) -> str | None:
    async with db.engine.connect() as conn:
        status: str | None = await conn.scalar(
            OLD_CALL, {"owner": owner, "key": key, "now": NOW, "day": NOW.date()}
        )
        return status


def _request(owner: int, key: str, *, exempt: bool) -> ReserveRequest:
    return ReserveRequest(
        owner_id=owner,
        idempotency_key=key,
        project_id=None,
        agent_name="orchestrator",
        amount=Decimal("0.01"),
        now=NOW,
        day=NOW.date(),
        ttl=timedelta(minutes=15),
        default_daily_usd=Decimal(10),
        pause_exempt=exempt,
    )


async def test_down_and_up_again_keeps_the_pause_and_the_orchestrators_exemption() -> None:
    async with temporary_database() as url:
        await asyncio.to_thread(upgrade, url)
        db = Database(url)
        async with db.sessions() as session:
            owner, _ = await owner_with_project(session, "paused@example.com", "Paused")
            await session.commit()
        await set_paused(BudgetStore.of(db), RecordedEvents(), owner, True, reason="test")
        await db.dispose()

        await asyncio.to_thread(
            command.downgrade, alembic_config(url), revision_before(url, "p_pause_exempt")
        )
        db = Database(url)
        try:
            assert await _signatures(db) == [
                "p_owner integer, p_key text, p_project integer, p_agent text, p_amount numeric,"
                " p_now timestamp with time zone, p_day date, p_ttl interval, p_default numeric"
            ]
            assert await _old_call(db, owner, "before") == "paused"
        finally:
            await db.dispose()

        await asyncio.to_thread(upgrade, url)
        db = Database(url)
        try:
            [signature] = await _signatures(db)
            assert signature.endswith("p_default numeric, p_pause_exempt boolean")
            # A worker not upgraded yet calls with nine arguments: still refused.
            assert await _old_call(db, owner, "old worker") == "paused"
            store = BudgetStore.of(db)
            held = await reserve(store, _request(owner, "orchestrator", exempt=True))
            assert isinstance(held, Hold) and not held.reused
            with pytest.raises(SystemPaused):
                await reserve(store, _request(owner, "agent", exempt=False))
        finally:
            await db.dispose()
