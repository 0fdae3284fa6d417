"""Fifty calls at once against limits that admit only some: no level ever settles past its limit."""

from __future__ import annotations

import asyncio
import random
from decimal import Decimal

from sqlalchemy import func, select

from mcc.budget.errors import BudgetExceeded
from mcc.models.budget_ledger import BudgetLedger
from mcc.models.budget_reservation import BudgetReservation
from mcc.models.token_usage import TokenUsage
from tests.fakes.llm_server import Reply
from tests.integration.test_gateway_budget import Budget, budget  # noqa: F401

CALLS = 50


async def test_fifty_concurrent_calls_never_settle_more_than_any_limit(budget: Budget) -> None:  # noqa: F811
    pid = budget.project_id
    await budget.limit("global", daily_usd="1.5")
    await budget.limit("project", share_pct="80", project_id=pid)  # 1.2 USD
    await budget.limit("agent", share_pct="50", project_id=pid, agent="coder_1")  # 0.6 USD
    limits = {
        "global": Decimal("1.5"),
        f"project:{pid}": Decimal("1.2"),
        f"agent:{pid}:coder_1": Decimal("0.6"),
        f"agent:{pid}:coder_2": None,
    }
    rng = random.Random(3)
    # Worst case 0.1 USD per call (100 tokens at 1 mUSD); each really costs 0.05-0.1.
    budget.llm.script(
        *(Reply(content="ok", cost=rng.randint(50, 100) / 1000) for _ in range(CALLS))
    )
    budget.llm.latency_s = 0.02  # calls overlap, so holds are taken while others are in flight
    gateway = budget.gateway()

    async def one(n: int) -> bool:
        call = budget.call(f"race/{n}", agent_name=f"coder_{1 + n % 2}")
        if n % 5 == 0:
            call = budget.call(f"race/{n}", project_id=None)  # global level only
        try:
            await gateway.call(call)
        except BudgetExceeded:
            return False
        return True

    outcomes = await asyncio.gather(*(one(n) for n in range(CALLS)))

    admitted, refused = outcomes.count(True), outcomes.count(False)
    assert admitted + refused == CALLS
    assert admitted >= 10 and refused >= 10
    assert len(budget.llm.chat_requests) == admitted
    async with budget.db.sessions() as session:
        ledger = {
            row.level_key: (row.spent_usd, row.reserved_usd)
            for row in (await session.scalars(select(BudgetLedger))).all()
        }
        usage_total = await session.scalar(select(func.sum(TokenUsage.cost_usd)))
        usage_rows = await session.scalar(select(func.count()).select_from(TokenUsage))
        open_holds = await session.scalar(
            select(func.count())
            .select_from(BudgetReservation)
            .where(BudgetReservation.state == "reserved")
        )
    for key, limit in limits.items():
        spent, reserved = ledger[key]
        assert reserved == 0 and open_holds == 0
        if limit is not None:
            assert spent <= limit, (key, spent, limit)
    assert usage_rows == admitted
    assert ledger["global"][0] == usage_total
