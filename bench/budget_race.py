"""Budget race: many concurrent LLM callers in several processes against one PostgreSQL.

    .venv/bin/python bench/budget_race.py [--processes 4] [--callers 12] [--calls 10]

Every caller goes through the real LLMGateway (reserve → call → settle) against
the scripted OpenAI-compatible server with zero latency, under limits that admit
only some of the calls (a refused caller waits 50 ms before its next call, as a
blocked run would, instead of spinning on the ledger). It checks afterwards, from the database, that no level
spent past its limit, and prints as its last line

    overspend_usd=<x> calls_admitted=<n> calls_refused=<m> p50_overhead_ms=<t>

where a call's overhead is its time in the gateway minus its HTTP call: the
budget bookkeeping (pre-flight, reservation, settlement, usage row).
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import multiprocessing as mp
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select

from mcc.budget.errors import BudgetExceeded
from mcc.budget.levels import LimitRule, effective_limits, level_key, levels_of
from mcc.config import Settings
from mcc.db.engine import Database
from mcc.db.migrate import upgrade
from mcc.events import DroppedEvents
from mcc.llm import ChatMessage, ChatResult, LLMClient, ModelPrice, PriceBook
from mcc.llm.gateway import GatewayCall, LLMGateway
from mcc.models.budget_ledger import BudgetLedger
from mcc.models.budget_limit import BudgetLimit
from mcc.models.token_usage import TokenUsage
from tests.fakes.llm_server import Reply, scripted_llm_server
from tests.support.owners import owner_with_project
from tests.support.postgres import temporary_database

MODEL = "test/model"
PRICES = PriceBook(
    overrides={MODEL: ModelPrice(model=MODEL, input_usd_per_token=1e-6, output_usd_per_token=2e-6)}
)
AGENTS = ("coder_1", "coder_2", "coder_3", "tester")
# What one call costs at the fake: 8 prompt tokens and 50 completion tokens.
CALL_USD = Decimal("0.000108")
# The project's share of the global limit, and the agents' shares of the project.
PROJECT_PCT = Decimal(80)
AGENT_PCT = {"coder_1": Decimal(30), "coder_2": Decimal(30), "coder_3": Decimal(30)}  # tester: none
MAX_TOKENS = 64
REFUSED_BACKOFF_S = 0.05
ANSWER = "x" * 200  # 50 completion tokens at the fake's 4 bytes per token

_http_time: contextvars.ContextVar[list[float]] = contextvars.ContextVar("http_time")


class TimedClient(LLMClient):
    """Records how long each HTTP call took, into the calling task's context."""

    async def chat(self, *args: Any, **kwargs: Any) -> ChatResult:
        start = time.perf_counter()
        try:
            return await super().chat(*args, **kwargs)
        finally:
            _http_time.get().append(time.perf_counter() - start)


@dataclass(frozen=True)
class Job:
    worker: int
    database_url: str
    llm_base_url: str
    owner_id: int
    project_id: int
    callers: int
    calls: int


def _call(job: Job, caller: int, n: int) -> GatewayCall:
    index = job.worker * 100_000 + caller * 1_000 + n
    agent = AGENTS[index % len(AGENTS)]
    return GatewayCall(
        owner_id=job.owner_id,
        project_id=None if index % 7 == 0 else job.project_id,
        agent_name=agent,
        agent_type=agent.rstrip("_0123456789"),
        model=MODEL,
        messages=[ChatMessage.user("go")],
        max_tokens=MAX_TOKENS,
        idempotency_key=f"bench/{index}",
    )


async def _work(job: Job, start: Any) -> list[tuple[bool, float, float]]:
    db = Database(job.database_url)
    settings = Settings(database_url=job.database_url)
    client = TimedClient(base_url=job.llm_base_url)
    gateway = LLMGateway(db, client, PRICES, DroppedEvents(), settings)
    async with db.engine.connect() as conn:  # open the pool before the clock starts
        await conn.execute(select(1))
    await asyncio.to_thread(start.wait)
    results: list[tuple[bool, float, float]] = []

    async def caller(index: int) -> None:
        for n in range(job.calls):
            http: list[float] = []
            _http_time.set(http)
            began = time.perf_counter()
            try:
                await gateway.call(_call(job, index, n))
                admitted = True
            except BudgetExceeded:
                admitted = False
            results.append((admitted, time.perf_counter() - began, sum(http)))
            if not admitted:
                # A refused agent's run is blocked; it does not call again at once.
                await asyncio.sleep(REFUSED_BACKOFF_S)

    await asyncio.gather(*(caller(i) for i in range(job.callers)))
    await client.aclose()
    await db.dispose()
    return results


def _worker(job: Job, start: Any, out: Any) -> None:
    out.put(asyncio.run(_work(job, start)))


async def _prepare(url: str, global_usd: Decimal) -> tuple[int, int]:
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    async with db.sessions() as session, session.begin():
        user_id, project_id = await owner_with_project(session, "bench@example.com", "bench")
        rows: list[dict[str, Any]] = [
            {"scope": "global", "level_key": "global", "daily_usd": global_usd},
            {
                "scope": "project",
                "project_id": project_id,
                "level_key": level_key("project", project_id),
                "share_pct": PROJECT_PCT,
            },
        ]
        rows += [
            {
                "scope": "agent",
                "project_id": project_id,
                "agent_name": agent,
                "level_key": level_key("agent", project_id, agent),
                "share_pct": pct,
            }
            for agent, pct in AGENT_PCT.items()
        ]
        for row in rows:
            await session.execute(insert(BudgetLimit).values(owner_id=user_id, **row))
        ids = user_id, project_id
    await db.dispose()
    return ids


async def _overspend(
    url: str, owner_id: int, project_id: int, global_usd: Decimal
) -> tuple[Decimal, Decimal, Decimal]:
    """The largest amount by which any level's spend passed its limit; the spend; usage rows' sum."""
    db = Database(url)
    async with db.sessions() as session:
        spent = {
            row.level_key: row.spent_usd
            for row in (await session.scalars(select(BudgetLedger))).all()
        }
        usage_total = await session.scalar(select(func.sum(TokenUsage.cost_usd))) or Decimal(0)
    await db.dispose()
    rules = {
        "global": LimitRule(daily_usd=global_usd),
        f"project:{project_id}": LimitRule(share_pct=PROJECT_PCT),
    }
    rules |= {
        level_key("agent", project_id, agent): LimitRule(share_pct=pct)
        for agent, pct in AGENT_PCT.items()
    }
    worst = Decimal(0)
    for agent in AGENTS:
        levels = levels_of(project_id, agent)
        for key, limit in effective_limits(levels, rules, global_usd).items():
            if limit is not None:
                worst = max(worst, spent.get(key, Decimal(0)) - limit)
    return worst, spent.get("global", Decimal(0)), usage_total


async def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--callers", type=int, default=2, help="concurrent callers per process")
    parser.add_argument("--calls", type=int, default=25, help="calls per caller")
    parser.add_argument(
        "--admit", type=float, default=0.6, help="the global limit, as a share of all calls' cost"
    )
    args = parser.parse_args(argv)
    total = args.processes * args.callers * args.calls
    global_usd = (CALL_USD * total * Decimal(str(args.admit))).quantize(Decimal("0.000001"))

    async with temporary_database() as url, scripted_llm_server() as llm:
        owner_id, project_id = await _prepare(url, global_usd)
        llm.script(*(Reply(content=ANSWER) for _ in range(total)))
        context = mp.get_context("spawn")
        start, out = context.Event(), context.Queue()
        workers = [
            context.Process(
                target=_worker,
                args=(
                    Job(w, url, llm.base_url, owner_id, project_id, args.callers, args.calls),
                    start,
                    out,
                ),
            )
            for w in range(args.processes)
        ]
        for worker in workers:
            worker.start()
        await asyncio.sleep(3)  # let every process import, connect and wait at the start line
        began = time.perf_counter()
        start.set()
        results: list[tuple[bool, float, float]] = []
        for _ in workers:
            results += await asyncio.to_thread(out.get)
        elapsed = time.perf_counter() - began
        for worker in workers:
            worker.join()
        overspend, spent, usage_total = await _overspend(url, owner_id, project_id, global_usd)

    admitted = sum(1 for ok, _, _ in results if ok)
    refused = len(results) - admitted
    overhead_ms = [1000 * (gateway - http) for _, gateway, http in results]
    admitted_overhead = [1000 * (g - h) for ok, g, h in results if ok]
    http_ms = [1000 * h for ok, _, h in results if ok]
    print(
        f"{args.processes} processes x {args.callers} callers x {args.calls} calls = {total} "
        f"in {elapsed:.1f}s; global limit {global_usd} USD, spent {spent:.6f} "
        f"(usage rows sum {usage_total:.6f})"
    )
    print(
        f"overhead ms: p50 {statistics.median(overhead_ms):.2f}, "
        f"p90 {statistics.quantiles(overhead_ms, n=10)[-1]:.2f}; admitted calls p50 "
        f"{statistics.median(admitted_overhead):.2f}; http p50 {statistics.median(http_ms):.2f}"
    )
    print(
        f"overspend_usd={overspend.normalize() if overspend > 0 else 0} calls_admitted={admitted} "
        f"calls_refused={refused} p50_overhead_ms={statistics.median(overhead_ms):.2f}"
    )
    return 0 if overspend <= 0 and spent == usage_total else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
