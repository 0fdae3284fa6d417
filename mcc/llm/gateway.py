"""The one path every LLM call takes: pre-flight, reserve, call, settle.

    gateway = LLMGateway(db, client, prices, events, settings)
    result = await gateway.call(GatewayCall(owner_id=..., model=..., messages=..., ...))

1. pre-flight: the model must have a price (else UnknownModelPrice) and the
   owner's emergency pause must be off (else SystemPaused), except for the
   person's orchestrator (`pause_exempt`), through which the pause is lifted;
2. reserve the worst case (prompt bound + max_tokens at the model's prices) at
   every budget level atomically, or refuse with BudgetExceeded;
3. call the provider (streaming deltas to `on_delta` if given);
4. settle the hold to the real cost: the provider's billed cost when it
   reports one, else tokens × prices, else (no usage at all) the reservation;
   write the call's token_usage row; emit budget alerts.

A call failing at the provider releases its hold. The same idempotency key
again reuses the hold (a retry after a crash) or, once settled, returns the
stored usage without calling or charging again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from mcc.budget.alerts import Alert, emit_alerts
from mcc.budget.day import budget_day, budget_zone
from mcc.budget.holds import Charge, ChargedUsage, Hold, Refusal, Replay, ReserveRequest
from mcc.budget.money import charge, decimal_of
from mcc.budget.prices_cache import FixedPrices, ModelPrices, Prices
from mcc.budget.reservations import release, reserve, settle
from mcc.budget.store import BudgetStore
from mcc.config import Settings
from mcc.db.base import utcnow
from mcc.db.engine import Database
from mcc.errors import InvalidInput
from mcc.events import EventSink
from mcc.llm.answers import keep_answer, kept_answer
from mcc.llm.client import LLMClient, OnDelta
from mcc.llm.errors import PricesUnavailable, UnknownModelPrice
from mcc.llm.prices import ModelPrice, PriceBook, estimate_prompt_tokens
from mcc.llm.types import ChatMessage, ChatResult, ToolSpec, Usage
from mcc.llm.windows import context_window

log = logging.getLogger(__name__)

# An earlier attempt reserved the call and neither kept an answer nor gave the hold
# back: its process died during the call, or it still runs on another worker (Temporal
# gave up on it). The provider may bill both; nothing on this side can know.
ASKED_AGAIN = (
    "LLM call %s asked again: an earlier attempt died (or was given up) during its call;"
    " the provider may bill both"
)


@dataclass(frozen=True)
class GatewayCall:
    """One LLM call and whom it is charged to.

    `idempotency_key` must be stable across retries of the same logical call
    (e.g. "<workflow id>/llm/<step>"), and unique otherwise.
    """

    owner_id: int
    model: str
    messages: Sequence[ChatMessage]
    max_tokens: int
    idempotency_key: str
    agent_name: str = ""
    agent_type: str = ""
    project_id: int | None = None
    tools: Sequence[ToolSpec] | None = None
    tool_choice: str | None = None
    temperature: float | None = None
    conversation_id: int | None = None
    task_id: str | None = None
    on_delta: OnDelta | None = None
    # > 0: a prompt-cache breakpoint after the first `cache_prefix` messages (see `caching`).
    cache_prefix: int = 0
    # Only the person's orchestrator: passes the emergency pause, not the limits
    # (see mcc.budget.holds.ReserveRequest for why).
    pause_exempt: bool = False


@dataclass(frozen=True)
class GatewayResult:
    """The answer and what was charged for it. A replay (the call was settled before)
    carries the answer kept for it; None only for calls settled before answers were kept."""

    chat: ChatResult | None
    usage: ChargedUsage
    replayed: bool = False


def worst_case_usd(call: GatewayCall, price: ModelPrice) -> Decimal:
    """The most `call` can cost: an upper bound of its prompt plus max_tokens of output."""
    prompt_bound = estimate_prompt_tokens(call.messages, call.tools)
    return charge(
        prompt_bound * decimal_of(price.input_usd_per_token)
        + call.max_tokens * decimal_of(price.output_usd_per_token)
    )


def actual_cost(usage: Usage | None, price: ModelPrice, held: Decimal) -> tuple[Decimal, str]:
    """What the call cost and how we know: the provider's figure, tokens × prices, or the hold."""
    if usage is None:
        return held, "reservation"  # no usage reported: never guess zero
    if usage.cost_usd is not None:
        return charge(decimal_of(usage.cost_usd)), "provider"
    return charge(
        usage.prompt_tokens * decimal_of(price.input_usd_per_token)
        + usage.completion_tokens * decimal_of(price.output_usd_per_token)
    ), "tokens"


def _check(call: GatewayCall) -> None:
    if call.max_tokens <= 0:
        raise InvalidInput("max_tokens must be positive: it bounds what the call may cost")
    if not call.idempotency_key or len(call.idempotency_key) > 300:
        raise InvalidInput("idempotency_key must be 1-300 characters")
    if len(call.agent_name) > 100 or len(call.agent_type) > 50:
        raise InvalidInput("agent_name is at most 100 characters, agent_type 50")
    if call.pause_exempt and call.project_id is not None:
        # Every agent works in a project; only the person's orchestrator has none.
        raise InvalidInput("only the orchestrator's calls pass the emergency pause")


@dataclass
class _Flight:
    """One call being made, and how many attempts wait for its answer."""

    task: asyncio.Future[GatewayResult]
    waiters: int = 0


class LLMGateway:
    def __init__(
        self,
        db: Database,
        client: LLMClient,
        prices: Prices | PriceBook,
        events: EventSink,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = BudgetStore.of(db)
        self.client = client
        self.prices: Prices = FixedPrices(prices) if isinstance(prices, PriceBook) else prices
        self.events = events
        self.zone = budget_zone(settings.budget_timezone)
        self.ttl = timedelta(seconds=settings.budget_reservation_ttl_s)
        self.default_daily_usd = settings.budget_default_daily_usd
        self.clock = clock
        # Calls being made now, by idempotency key (see `call`).
        self._in_flight: dict[str, _Flight] = {}
        # Delivers stored alerts to the person's channels (the runtime sets it).
        self.on_alerts: Callable[[list[Alert]], Awaitable[None]] | None = None

    @classmethod
    def from_settings(cls, db: Database, events: EventSink, settings: Settings) -> LLMGateway:
        """The production wiring: a client of `llm_base_url` (key from the environment), cached prices."""
        client = LLMClient.from_env(settings.llm_base_url)
        return cls(db, client, ModelPrices(db, client, settings), events, settings)

    async def aclose(self) -> None:
        await self.client.aclose()

    async def context_window(self, model: str) -> int:
        """Tokens `model`'s context holds (provider list, shipped table, or a safe default)."""
        with contextlib.suppress(UnknownModelPrice, PricesUnavailable):  # the call will say so
            await self.prices.price_of(model)  # refreshes the provider's list when stale
        return context_window(model, self.prices.context_lengths())

    async def call(self, call: GatewayCall) -> GatewayResult:
        """Make the call within budget; raises BudgetExceeded, SystemPaused, UnknownModelPrice or LLMError.

        An attempt whose key is being called now in this process waits for that
        call's answer instead of asking again. Temporal starts a second attempt of a
        step while the first still runs when the first timed out waiting for a busy
        worker to pick it up; the budget charged such twins once, but both asked (and
        the provider billed) the model.
        """
        _check(call)
        key = call.idempotency_key
        flight = self._in_flight.get(key)
        twin = flight is not None
        if flight is None:
            flight = self._in_flight[key] = _Flight(asyncio.ensure_future(self._call(call)))
            flight.task.add_done_callback(lambda _: self._in_flight.pop(key, None))
        flight.waiters += 1
        try:
            result = await asyncio.shield(flight.task)
        finally:
            flight.waiters -= 1
            if flight.waiters == 0 and not flight.task.done():
                flight.task.cancel()  # every attempt gave up: stop the call (its hold goes back)
        return replace(result, replayed=True) if twin else result

    async def _call(self, call: GatewayCall) -> GatewayResult:
        price = await self.prices.price_of(call.model)
        now = self.clock()
        outcome = await reserve(
            self.store,
            ReserveRequest(
                owner_id=call.owner_id,
                idempotency_key=call.idempotency_key,
                project_id=call.project_id,
                agent_name=call.agent_name or None,
                amount=worst_case_usd(call, price),
                now=now,
                day=budget_day(now, self.zone),
                ttl=self.ttl,
                default_daily_usd=self.default_daily_usd,
                pause_exempt=call.pause_exempt,
            ),
        )
        if isinstance(outcome, Replay):
            kept = await kept_answer(self.store.db, call.idempotency_key)
            return GatewayResult(chat=kept, usage=outcome.usage, replayed=True)
        if isinstance(outcome, Refusal):
            await self._emit(outcome.alerts)
            raise outcome.error
        # An earlier attempt may have got the answer and died before settling it:
        # settle that one instead of asking (and paying) again.
        chat = await kept_answer(self.store.db, call.idempotency_key)
        if chat is None:
            if outcome.reused:
                log.warning(ASKED_AGAIN, call.idempotency_key)
            chat = await self._chat(call, outcome)
            await keep_answer(self.store.db, call.idempotency_key, chat)
        cost, source = actual_cost(chat.usage, price, outcome.amount)
        usage = chat.usage or Usage()
        settlement = await settle(
            self.store,
            outcome,
            Charge(
                cost_usd=cost,
                cost_source=source,
                model=call.model,
                agent_type=call.agent_type,
                tokens_in=usage.prompt_tokens,
                tokens_out=usage.completion_tokens,
                conversation_id=call.conversation_id,
                task_id=call.task_id,
            ),
            now=self.clock(),
            default_daily_usd=self.default_daily_usd,
        )
        await self._emit(settlement.alerts)
        return GatewayResult(chat=chat, usage=settlement.usage, replayed=settlement.replayed)

    async def _chat(self, call: GatewayCall, hold: Hold) -> ChatResult:
        try:
            return await self.client.chat(
                call.model,
                call.messages,
                max_tokens=call.max_tokens,
                temperature=call.temperature,
                tools=call.tools,
                tool_choice=call.tool_choice,
                on_delta=call.on_delta,
                cache_prefix=call.cache_prefix,
            )
        except BaseException:
            # Failed or cancelled: give the hold back now rather than at its expiry
            # (shielded, so a cancelled caller still releases it).
            try:
                await asyncio.shield(release(self.store, hold, now=self.clock()))
            except Exception:
                log.exception("could not release the budget hold of %s", call.idempotency_key)
            raise

    async def _emit(self, alerts: list[Alert]) -> None:
        try:
            await emit_alerts(self.events, alerts)
            if alerts and self.on_alerts is not None:
                await self.on_alerts(alerts)
        except Exception:
            log.exception("could not emit budget alerts (they are stored as notifications)")
