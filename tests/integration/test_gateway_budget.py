"""The LLM gateway against a real scripted provider, on SQLite and PostgreSQL:
every call reserved, settled, recorded once; refusals, pause, alerts, expiry, rollover."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from mcc.budget.errors import BudgetExceeded, SystemPaused
from mcc.budget.holds import Hold, ReserveRequest
from mcc.budget.levels import level_key
from mcc.budget.pause import set_paused
from mcc.budget.reservations import reserve
from mcc.budget.store import BudgetStore
from mcc.config import Settings
from mcc.db.engine import Database
from mcc.errors import InvalidInput
from mcc.events import RecordedEvents, user_room
from mcc.llm import ChatMessage, LLMClient, LLMServerError, ModelPrice, PriceBook
from mcc.llm.gateway import GatewayCall, LLMGateway, worst_case_usd
from mcc.models.budget_ledger import BudgetLedger
from mcc.models.budget_limit import BudgetLimit
from mcc.models.budget_reservation import BudgetReservation
from mcc.models.notification import Notification
from mcc.models.token_usage import TokenUsage
from tests.fakes.llm_server import Reply, ScriptedLLMServer, scripted_llm_server
from tests.support.owners import owner_with_project

MODEL = "test/model"
# No input price and 1 mUSD per output token: a call's worst case is max_tokens / 1000 USD.
PRICES = PriceBook(
    overrides={MODEL: ModelPrice(model=MODEL, input_usd_per_token=0.0, output_usd_per_token=1e-3)}
)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Budget:
    """A user with a project, a scripted provider, and gateways onto one database."""

    db: Database
    llm: ScriptedLLMServer
    owner_id: int
    project_id: int
    tmp_path: Path
    events: RecordedEvents = field(default_factory=RecordedEvents)
    clock: Clock = field(default_factory=lambda: Clock(datetime(2026, 11, 25, 12, 0, tzinfo=UTC)))
    clients: list[LLMClient] = field(default_factory=list)

    @property
    def store(self) -> BudgetStore:
        return BudgetStore.of(self.db)

    def gateway(self, prices: PriceBook = PRICES, **settings: Any) -> LLMGateway:
        client = LLMClient(base_url=self.llm.base_url)
        self.clients.append(client)
        config = Settings(data_dir=self.tmp_path / "data", database_url=self.db.url, **settings)
        return LLMGateway(self.db, client, prices, self.events, config, clock=self.clock)

    def call(self, key: str, *, max_tokens: int = 100, **fields: Any) -> GatewayCall:
        values: dict[str, Any] = {
            "owner_id": self.owner_id,
            "project_id": self.project_id,
            "agent_name": "coder_1",
            "agent_type": "coder",
            "model": MODEL,
            "messages": [ChatMessage.user("hi")],
            "max_tokens": max_tokens,
            "idempotency_key": key,
            "conversation_id": 7,
            "task_id": "issue/app/1",
        }
        return GatewayCall(**(values | fields))

    async def add(self, entity: type, **values: Any) -> None:
        async with self.db.sessions() as session, session.begin():
            await session.execute(insert(entity).values(**values))

    async def limit(
        self,
        scope: str,
        *,
        daily_usd: str | None = None,
        share_pct: str | None = None,
        project_id: int | None = None,
        agent: str | None = None,
    ) -> None:
        await self.add(
            BudgetLimit,
            owner_id=self.owner_id,
            scope=scope,
            project_id=project_id,
            agent_name=agent,
            level_key=level_key(scope, project_id, agent),  # type: ignore[arg-type]
            daily_usd=Decimal(daily_usd) if daily_usd else None,
            share_pct=Decimal(share_pct) if share_pct else None,
        )

    async def ledger(self, key: str = "global", day: date | None = None) -> tuple[Decimal, Decimal]:
        async with self.db.sessions() as session:
            row = (
                await session.execute(
                    select(BudgetLedger.spent_usd, BudgetLedger.reserved_usd).where(
                        BudgetLedger.owner_id == self.owner_id,
                        BudgetLedger.level_key == key,
                        BudgetLedger.day == (day or self.clock.now.date()),
                    )
                )
            ).one_or_none()
        return (row.spent_usd, row.reserved_usd) if row else (Decimal(0), Decimal(0))

    async def rows(self, model: type) -> list[Any]:
        async with self.db.sessions() as session:
            return list((await session.scalars(select(model))).all())

    def alerts(self) -> list[dict[str, Any]]:
        return [data for event, data, room in self.events.events if event == "budget_alert"]


@pytest.fixture
async def budget(database_url: str, tmp_path: Path) -> AsyncIterator[Budget]:
    db = Database(database_url)
    async with scripted_llm_server() as llm:
        async with db.sessions() as session, session.begin():
            ids = await owner_with_project(session, "owner@example.com", "App")
        world = Budget(db=db, llm=llm, owner_id=ids[0], project_id=ids[1], tmp_path=tmp_path)
        try:
            yield world
        finally:
            for client in world.clients:
                await client.aclose()
            await db.dispose()


async def test_a_call_is_reserved_settled_and_recorded_once(budget: Budget) -> None:
    budget.llm.script(Reply(content="hello", cost=0.0125))
    gateway = budget.gateway()

    result = await gateway.call(budget.call("run/1/llm/0"))

    assert result.chat is not None and result.chat.content == "hello"
    assert not result.replayed
    assert result.usage.cost_usd == Decimal("0.0125")
    [usage] = await budget.rows(TokenUsage)
    assert (usage.owner_id, usage.project_id, usage.agent_name, usage.agent_type) == (
        budget.owner_id,
        budget.project_id,
        "coder_1",
        "coder",
    )
    assert (usage.model, usage.conversation_id, usage.task_id) == (MODEL, 7, "issue/app/1")
    assert (usage.tokens_in, usage.tokens_out) == (result.chat.usage.prompt_tokens, 2)  # type: ignore[union-attr]
    assert usage.cost_usd == Decimal("0.0125") and usage.cost_source == "provider"
    assert usage.created_at == budget.clock.now and usage.day == date(2026, 11, 25)
    for key in ("global", f"project:{budget.project_id}", f"agent:{budget.project_id}:coder_1"):
        assert await budget.ledger(key) == (Decimal("0.0125"), Decimal(0))
    [reservation] = await budget.rows(BudgetReservation)
    assert reservation.state == "settled"
    assert reservation.amount_usd == worst_case_usd(budget.call("x"), PRICES.price_of(MODEL))


async def test_cost_is_the_providers_else_tokens_times_price_else_the_reservation(
    budget: Budget,
) -> None:
    def completion(usage: dict[str, Any] | None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": "gen-1",
            "model": MODEL,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "ok"},
                    "finish_reason": "stop",
                }
            ],
        }
        return body | ({"usage": usage} if usage else {})

    budget.llm.script(
        Reply(content="ok", cost=0.002),
        completion({"prompt_tokens": 40, "completion_tokens": 3}),
        completion(None),
    )
    gateway = budget.gateway()

    provider = await gateway.call(budget.call("a"))
    tokens = await gateway.call(budget.call("b"))
    unknown = await gateway.call(budget.call("c", max_tokens=50))

    assert (provider.usage.cost_source, provider.usage.cost_usd) == ("provider", Decimal("0.002"))
    assert (tokens.usage.cost_source, tokens.usage.cost_usd) == ("tokens", Decimal("0.003"))
    assert (unknown.usage.cost_source, unknown.usage.cost_usd) == ("reservation", Decimal("0.05"))
    assert await budget.ledger() == (Decimal("0.055"), Decimal(0))


async def test_a_retried_call_is_charged_once_and_not_sent_again(budget: Budget) -> None:
    budget.llm.script(Reply(content="first", cost=0.01))
    gateway = budget.gateway()

    first = await gateway.call(budget.call("run/1/llm/3"))
    again = await gateway.call(budget.call("run/1/llm/3"))

    assert again.replayed and again.chat is not None and again.chat.content == "first"
    assert again.usage == first.usage
    assert len(budget.llm.chat_requests) == 1
    assert len(await budget.rows(TokenUsage)) == 1
    assert await budget.ledger() == (Decimal("0.01"), Decimal(0))


async def test_an_answer_kept_by_an_attempt_that_died_before_settling_is_not_asked_again(
    budget: Budget,
) -> None:
    from mcc.llm.answers import keep_answer
    from mcc.llm.types import ChatResult, Usage

    gateway = budget.gateway()
    # The dead attempt got this answer and kept it; its settlement never happened.
    answer = ChatResult(
        content="kept",
        tool_calls=[],
        finish_reason="stop",
        model="test/model",
        usage=Usage(prompt_tokens=10, completion_tokens=5, cost_usd=0.004),
        response_id="r1",
    )
    await keep_answer(budget.db, "run/9/llm/0", answer)

    result = await gateway.call(budget.call("run/9/llm/0"))

    assert result.chat is not None and result.chat.content == "kept"
    assert len(budget.llm.chat_requests) == 0  # the provider is not asked (or paid) again
    assert len(await budget.rows(TokenUsage)) == 1
    assert await budget.ledger() == (Decimal("0.004"), Decimal(0))


async def test_a_retry_after_a_crash_reuses_the_crashed_attempts_reservation(
    budget: Budget, caplog: pytest.LogCaptureFixture
) -> None:
    gateway = budget.gateway()
    call = budget.call("run/1/llm/4")
    # The first attempt reserved, then its worker died before settling.
    await reserve(
        budget.store,
        ReserveRequest(
            owner_id=budget.owner_id,
            idempotency_key=call.idempotency_key,
            project_id=budget.project_id,
            agent_name="coder_1",
            amount=worst_case_usd(call, PRICES.price_of(MODEL)),
            now=budget.clock.now,
            day=budget.clock.now.date(),
            ttl=timedelta(minutes=15),
            default_daily_usd=Decimal(10),
        ),
    )
    assert (await budget.ledger())[1] == Decimal("0.1")
    budget.llm.script(Reply(content="done", cost=0.04))

    with caplog.at_level(logging.WARNING, logger="mcc.llm.gateway"):
        result = await gateway.call(call)

    assert result.usage.cost_usd == Decimal("0.04")
    # The operator's log says that the provider was asked twice for this step.
    assert [r.getMessage() for r in caplog.records] == [
        "LLM call run/1/llm/4 asked again: an earlier attempt died (or was given up) during"
        " its call; the provider may bill both"
    ]
    [reservation] = await budget.rows(BudgetReservation)
    assert reservation.state == "settled"
    assert await budget.ledger() == (Decimal("0.04"), Decimal(0))


async def test_a_failed_call_gives_its_hold_back_and_can_be_retried(budget: Budget) -> None:
    budget.llm.fail_next(1, status=500)
    budget.llm.script(Reply(content="second time lucky", cost=0.02))
    gateway = budget.gateway()

    with pytest.raises(LLMServerError):
        await gateway.call(budget.call("run/1/llm/5"))

    assert await budget.ledger() == (Decimal(0), Decimal(0))
    assert [r.state for r in await budget.rows(BudgetReservation)] == ["released"]
    assert await budget.rows(TokenUsage) == []

    result = await gateway.call(budget.call("run/1/llm/5"))

    assert result.usage.cost_usd == Decimal("0.02")
    assert await budget.ledger() == (Decimal("0.02"), Decimal(0))


async def test_a_call_past_any_level_is_refused_before_reaching_the_provider(
    budget: Budget,
) -> None:
    pid = budget.project_id
    await budget.limit("global", daily_usd="1")
    await budget.limit("project", share_pct="50", project_id=pid)
    await budget.limit("agent", share_pct="40", project_id=pid, agent="coder_1")
    gateway = budget.gateway()

    with pytest.raises(BudgetExceeded) as agent_refusal:
        await gateway.call(budget.call("a", max_tokens=201))  # 0.201 > 40% of 50% of 1 USD
    budget.llm.script(Reply(content="ok", cost=0.2))
    await gateway.call(budget.call("b", max_tokens=200))  # exactly the agent's limit: allowed
    with pytest.raises(BudgetExceeded) as project_refusal:
        await gateway.call(budget.call("c", agent_name="coder_2", max_tokens=301))
    with pytest.raises(BudgetExceeded) as global_refusal:
        await gateway.call(budget.call("d", project_id=None, max_tokens=801))

    error = agent_refusal.value
    assert (error.scope, error.project_id, error.agent) == ("agent", pid, "coder_1")
    assert (error.current, error.limit, error.needed) == (
        Decimal(0),
        Decimal("0.2"),
        Decimal("0.201"),
    )
    assert error.status == 402 and error.code == "budget_exceeded"
    assert (project_refusal.value.scope, project_refusal.value.limit) == ("project", Decimal("0.5"))
    assert project_refusal.value.current == Decimal("0.2")
    assert (global_refusal.value.scope, global_refusal.value.limit) == ("global", Decimal(1))
    assert len(budget.llm.chat_requests) == 1
    assert await budget.ledger() == (Decimal("0.2"), Decimal(0))


async def test_an_abandoned_reservation_expires_and_frees_the_budget(budget: Budget) -> None:
    await budget.limit("global", daily_usd="1")
    gateway = budget.gateway(budget_reservation_ttl_s=600)
    # A worker reserved 0.9 USD and died.
    await reserve(
        budget.store,
        ReserveRequest(
            owner_id=budget.owner_id,
            idempotency_key="crashed",
            project_id=None,
            agent_name=None,
            amount=Decimal("0.9"),
            now=budget.clock.now,
            day=budget.clock.now.date(),
            ttl=timedelta(seconds=600),
            default_daily_usd=Decimal(10),
        ),
    )
    with pytest.raises(BudgetExceeded):
        await gateway.call(budget.call("blocked", max_tokens=200))

    budget.clock.advance(seconds=601)
    budget.llm.script(Reply(content="ok", cost=0.15))
    await gateway.call(budget.call("admitted", max_tokens=200))

    states = {r.idempotency_key: r.state for r in await budget.rows(BudgetReservation)}
    assert states == {"crashed": "released", "admitted": "settled"}  # a refusal holds nothing
    assert await budget.ledger() == (Decimal("0.15"), Decimal(0))


async def test_the_emergency_pause_stops_every_call_until_resumed(budget: Budget) -> None:
    gateway = budget.gateway()
    await set_paused(budget.store, budget.events, budget.owner_id, True, reason="too hot")

    with pytest.raises(SystemPaused) as paused:
        await gateway.call(budget.call("a"))

    assert paused.value.status == 423
    assert budget.llm.chat_requests == []
    assert (
        "system_state",
        {"paused": True, "since": budget.events.events[0][1]["since"], "reason": "too hot"},
        user_room(budget.owner_id),
    ) == budget.events.events[0]

    await set_paused(budget.store, budget.events, budget.owner_id, False)
    budget.llm.script(Reply(content="back", cost=0.001))
    assert (await gateway.call(budget.call("a"))).chat is not None


async def test_the_orchestrator_passes_the_pause_but_not_the_hard_stop(budget: Budget) -> None:
    await budget.limit("global", daily_usd="0.3")
    gateway = budget.gateway()
    await set_paused(budget.store, budget.events, budget.owner_id, True, reason="too hot")
    orchestrator = {"project_id": None, "agent_name": "orchestrator", "pause_exempt": True}
    budget.llm.script(Reply(content="lifting it", cost=0.25))

    answered = await gateway.call(budget.call("orch/1", max_tokens=250, **orchestrator))
    with pytest.raises(SystemPaused):
        await gateway.call(budget.call("coder/1", max_tokens=1))  # agents stay stopped
    with pytest.raises(BudgetExceeded) as spent:
        await gateway.call(budget.call("orch/2", max_tokens=51, **orchestrator))

    with pytest.raises(InvalidInput):  # an agent's call (it has a project) cannot claim it
        await gateway.call(budget.call("coder/2", max_tokens=1, pause_exempt=True))

    assert answered.chat is not None and answered.chat.content == "lifting it"
    assert (spent.value.scope, spent.value.limit) == ("global", Decimal("0.3"))
    assert len(budget.llm.chat_requests) == 1
    assert await budget.ledger() == (Decimal("0.25"), Decimal(0))


async def test_a_retried_orchestrator_call_keeps_its_hold_through_the_pause(
    budget: Budget,
) -> None:
    """A crash after reserving, then the pause, then the retry: the hold is reused, not refused."""
    request = ReserveRequest(
        owner_id=budget.owner_id,
        idempotency_key="orchestrator/1/turn/1/llm/0",
        project_id=None,
        agent_name="orchestrator",
        amount=Decimal("0.1"),
        now=budget.clock.now,
        day=budget.clock.now.date(),
        ttl=timedelta(minutes=15),
        default_daily_usd=Decimal(10),
        pause_exempt=True,
    )
    await reserve(budget.store, request)
    await set_paused(budget.store, budget.events, budget.owner_id, True)

    again = await reserve(budget.store, request)
    with pytest.raises(SystemPaused):
        await reserve(budget.store, replace(request, pause_exempt=False))

    assert isinstance(again, Hold) and again.reused
    assert await budget.ledger() == (Decimal(0), Decimal("0.1"))


async def test_alerts_at_80_and_100_percent_once_per_level_and_day(budget: Budget) -> None:
    await budget.limit("global", daily_usd="1")
    gateway = budget.gateway()
    budget.llm.script(*(Reply(content="ok", cost=c) for c in (0.5, 0.3, 0.1, 0.1, 0.85)))

    await gateway.call(budget.call("1", max_tokens=500, project_id=None))
    assert budget.alerts() == []
    await gateway.call(budget.call("2", max_tokens=300, project_id=None))  # 0.8: warning
    await gateway.call(budget.call("3", max_tokens=100, project_id=None))  # 0.9: nothing new
    await gateway.call(budget.call("4", max_tokens=100, project_id=None))  # 1.0: critical
    with pytest.raises(BudgetExceeded):
        await gateway.call(budget.call("5", max_tokens=1, project_id=None))

    assert [(a["level"], a["scope"], a["current"], a["limit"]) for a in budget.alerts()] == [
        ("warning", "global", 0.8, 1.0),
        ("critical", "global", 1.0, 1.0),
    ]
    assert all(room == user_room(budget.owner_id) for _, _, room in budget.events.events)
    stored = await budget.rows(Notification)
    assert [(n.kind, n.level, n.payload["current"]) for n in stored] == [
        ("budget_alert", "warning", 0.8),
        ("budget_alert", "critical", 1.0),
    ]

    budget.clock.advance(days=1)  # a new budget day: alerts may fire again
    await gateway.call(budget.call("6", max_tokens=900, project_id=None))
    assert [a["level"] for a in budget.alerts()] == ["warning", "critical", "warning"]
    assert len(await budget.rows(Notification)) == 3


async def test_a_refusal_near_the_limit_raises_the_critical_alert_of_that_level(
    budget: Budget,
) -> None:
    pid = budget.project_id
    await budget.limit("project", share_pct="10", project_id=pid)  # 1 USD of the default 10
    gateway = budget.gateway()
    budget.llm.script(Reply(content="ok", cost=0.85))
    await gateway.call(budget.call("1", max_tokens=900))

    with pytest.raises(BudgetExceeded):
        await gateway.call(budget.call("2", max_tokens=200))
    with pytest.raises(BudgetExceeded):
        await gateway.call(budget.call("3", max_tokens=200))

    assert [(a["level"], a["scope"], a["project_id"], a["reason"]) for a in budget.alerts()] == [
        ("warning", "project", pid, "threshold"),
        ("critical", "project", pid, "call_refused"),
    ]


async def test_the_budget_day_rolls_over_at_midnight_in_the_budget_time_zone(
    budget: Budget,
) -> None:
    await budget.limit("global", daily_usd="0.5")
    gateway = budget.gateway(budget_timezone="America/New_York")
    budget.clock.now = datetime(2026, 11, 25, 4, 30, tzinfo=UTC)  # 23:30 on the 24th in New York
    budget.llm.script(Reply(content="ok", cost=0.5), Reply(content="ok", cost=0.1))

    await gateway.call(budget.call("late", max_tokens=500))
    with pytest.raises(BudgetExceeded):
        await gateway.call(budget.call("later", max_tokens=100))
    budget.clock.advance(hours=1)  # 00:30 in New York, still the 25th in UTC as before
    await gateway.call(budget.call("next day", max_tokens=100))

    days = sorted((u.day, u.cost_usd) for u in await budget.rows(TokenUsage))
    assert days == [(date(2026, 11, 24), Decimal("0.5")), (date(2026, 11, 25), Decimal("0.1"))]
    assert await budget.ledger(day=date(2026, 11, 24)) == (Decimal("0.5"), Decimal(0))
    assert await budget.ledger(day=date(2026, 11, 25)) == (Decimal("0.1"), Decimal(0))


async def test_usage_rows_match_the_ledger(budget: Budget) -> None:
    budget.llm.script(*(Reply(content="x" * n) for n in range(1, 6)))
    gateway = budget.gateway()
    for n in range(5):
        await gateway.call(budget.call(f"k{n}", agent_name=f"coder_{n % 2}"))
    async with budget.db.sessions() as session:
        total = await session.scalar(select(func.sum(TokenUsage.cost_usd)))
    assert (await budget.ledger())[0] == total


async def test_concurrent_attempts_of_one_call_are_charged_once(budget: Budget) -> None:
    budget.llm.script(*(Reply(content="same", cost=0.03) for _ in range(5)))
    budget.llm.latency_s = 0.05
    gateway = budget.gateway()

    results = await asyncio.gather(*(gateway.call(budget.call("dup")) for _ in range(5)))

    assert sum(not r.replayed for r in results) == 1
    assert {r.usage.cost_usd for r in results} == {Decimal("0.03")}
    assert len(await budget.rows(TokenUsage)) == 1
    assert await budget.ledger() == (Decimal("0.03"), Decimal(0))


async def test_attempts_of_a_call_in_flight_wait_for_its_answer_instead_of_asking_again(
    budget: Budget,
) -> None:
    # Temporal starts a retry while the timed-out first attempt still runs.
    budget.llm.script(Reply(content="once", cost=0.03), Reply(content="twice", cost=0.03))
    budget.llm.latency_s = 0.1
    gateway = budget.gateway()

    first = asyncio.create_task(gateway.call(budget.call("step")))
    await asyncio.sleep(0.02)
    second, third = await asyncio.gather(
        gateway.call(budget.call("step")), gateway.call(budget.call("step"))
    )

    assert len(budget.llm.chat_requests) == 1
    assert {r.chat.content for r in (await first, second, third) if r.chat} == {"once"}
    assert (await first).replayed is False and second.replayed and third.replayed
    assert await budget.ledger() == (Decimal("0.03"), Decimal(0))


async def test_a_call_goes_on_while_one_of_its_attempts_still_waits(budget: Budget) -> None:
    budget.llm.script(Reply(content="kept", cost=0.03))
    budget.llm.latency_s = 0.1
    gateway = budget.gateway()

    first = asyncio.create_task(gateway.call(budget.call("step")))
    await asyncio.sleep(0.02)
    second = asyncio.create_task(gateway.call(budget.call("step")))
    await asyncio.sleep(0.01)
    first.cancel()  # the timed-out attempt is cancelled; its twin still wants the answer

    assert (await second).chat is not None
    assert len(budget.llm.chat_requests) == 1
    assert await budget.ledger() == (Decimal("0.03"), Decimal(0))


async def test_deltas_stream_through_the_gateway(budget: Budget) -> None:
    budget.llm.script(Reply(content="streamed answer", cost=0.001))
    deltas: list[str] = []

    async def on_delta(text: str) -> None:
        deltas.append(text)

    result = await budget.gateway().call(budget.call("s", on_delta=on_delta))

    assert "".join(deltas) == "streamed answer" == result.chat.content  # type: ignore[union-attr]
    assert result.usage.cost_usd == Decimal("0.001")


async def test_a_cancelled_call_gives_its_hold_back(budget: Budget) -> None:
    budget.llm.hang_next()
    gateway = budget.gateway()

    task = asyncio.create_task(gateway.call(budget.call("cancelled")))
    while not budget.llm.chat_requests:
        await asyncio.sleep(0.01)
    assert (await budget.ledger())[1] == Decimal("0.1")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    for _ in range(100):  # the release runs shielded from the cancellation
        if await budget.ledger() == (Decimal(0), Decimal(0)):
            break
        await asyncio.sleep(0.02)
    assert await budget.ledger() == (Decimal(0), Decimal(0))
    assert [r.state for r in await budget.rows(BudgetReservation)] == ["released"]


async def test_a_hold_that_expires_mid_call_is_still_charged_and_never_counted_twice(
    budget: Budget,
) -> None:
    gateway = budget.gateway(budget_reservation_ttl_s=60)
    test_loop = asyncio.get_running_loop()

    async def meanwhile() -> None:
        # While the first call runs past its hold's expiry, another call of the owner
        # reserves and so releases the expired hold.
        budget.clock.advance(seconds=61)
        await gateway.call(budget.call("second", max_tokens=50))

    async def slow_answer(body: dict[str, Any]) -> Reply:
        future = asyncio.run_coroutine_threadsafe(meanwhile(), test_loop)
        await asyncio.wrap_future(future)
        return Reply(content="late", cost=0.07)

    budget.llm.script(slow_answer, Reply(content="quick", cost=0.02))

    first = await gateway.call(budget.call("first", max_tokens=100))

    assert first.usage.cost_usd == Decimal("0.07")
    states = {r.idempotency_key: r.state for r in await budget.rows(BudgetReservation)}
    assert states == {"first": "settled", "second": "settled"}
    assert await budget.ledger() == (Decimal("0.09"), Decimal(0))
