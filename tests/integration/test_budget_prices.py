"""Model prices: the provider's list (cached in the database), overrides, the shipped table."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from activities.errors import application_error
from mcc.budget.prices_cache import ModelPrices
from mcc.config import Settings
from mcc.db.engine import Database
from mcc.events import DroppedEvents
from mcc.llm import ChatMessage, LLMClient, PricesUnavailable, UnknownModelPrice
from mcc.llm.gateway import GatewayCall, LLMGateway
from tests.fakes.llm_server import scripted_llm_server


async def test_prices_come_from_the_providers_list_and_outlive_its_outage(
    database_url: str, tmp_path: Path
) -> None:
    db = Database(database_url)
    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        llm_price_overrides={"test/model": (5e-6, 6e-6)},
    )
    try:
        async with scripted_llm_server() as llm:
            url = llm.base_url
            async with LLMClient(base_url=url) as client:
                prices = ModelPrices(db, client, settings)

                pricey = await prices.price_of("test/pricey")
                overridden = await prices.price_of("test/model")
                shipped = await prices.price_of("openai/gpt-4o")
                with pytest.raises(UnknownModelPrice):
                    await prices.price_of("test/unpriced")  # listed without a price
                gateway = LLMGateway(db, client, prices, DroppedEvents(), settings)
                with pytest.raises(UnknownModelPrice):
                    await gateway.call(
                        GatewayCall(
                            owner_id=1,
                            model="test/unpriced",
                            messages=[ChatMessage.user("hi")],
                            max_tokens=10,
                            idempotency_key="k",
                        )
                    )

            assert (pricey.input_usd_per_token, pricey.output_usd_per_token) == (15e-6, 75e-6)
            assert (overridden.input_usd_per_token, overridden.output_usd_per_token) == (5e-6, 6e-6)
            assert shipped.output_usd_per_token == pytest.approx(10e-6)
            assert len([r for r in llm.requests if r.path.endswith("/models")]) == 1
            assert llm.chat_requests == []

        # The provider is gone (same base URL, nothing listens): the cache still answers.
        async with LLMClient(base_url=url) as offline:
            restarted = ModelPrices(db, offline, settings)
            assert (await restarted.price_of("test/pricey")).input_usd_per_token == 15e-6
            assert await restarted.refresh() is False
            assert (await restarted.price_of("test/pricey")).output_usd_per_token == 75e-6
    finally:
        await db.dispose()


async def test_two_processes_refreshing_the_prices_at_once_both_know_them(
    database_url: str, tmp_path: Path
) -> None:
    """Two workers' first calls refresh the cached list at the same moment: on PostgreSQL
    the second's insert met the first's rows, and that worker then refused every call for
    minutes (UnknownModelPrice, which no retry gets past)."""
    settings = Settings(data_dir=tmp_path, database_url=database_url)
    first, second = Database(database_url), Database(database_url)  # two processes' pools
    try:
        async with scripted_llm_server() as llm, LLMClient(base_url=llm.base_url) as client:
            await ModelPrices(first, client, settings).refresh()  # yesterday's list
            for _ in range(3):
                one, other = (
                    ModelPrices(first, client, settings),
                    ModelPrices(second, client, settings),
                )
                assert await asyncio.gather(one.refresh(), other.refresh()) == [True, True]
                for prices in (one, other):
                    assert (await prices.price_of("test/pricey")).input_usd_per_token == 15e-6
    finally:
        await first.dispose()
        await second.dispose()


async def test_a_price_missing_because_the_provider_was_down_is_retried_not_refused(
    database_url: str, tmp_path: Path
) -> None:
    """A worker whose first call met the provider's list down (an empty cache: a fresh
    install, a new base URL) refused every call for five minutes with UnknownModelPrice,
    which no retry gets past: each run it touched went to needs_attention, telling the
    person to set a price override they did not need."""
    db = Database(database_url)
    settings = Settings(data_dir=tmp_path, database_url=database_url)
    now = [datetime(2026, 12, 7, 12, tzinfo=UTC)]
    try:
        async with scripted_llm_server() as llm, LLMClient(base_url=llm.base_url) as client:

            def fetches() -> int:
                return len([r for r in llm.requests if r.path.endswith("/models")])

            llm.fail_models_next(2)
            prices = ModelPrices(db, client, settings, clock=lambda: now[0])
            with pytest.raises(PricesUnavailable) as down:
                await prices.price_of("test/pricey")
            assert "MCC_LLM_PRICE_OVERRIDES" not in down.value.message
            assert application_error(down.value).non_retryable is False  # a retry, not a stop
            with pytest.raises(PricesUnavailable):  # at once again: no second fetch yet
                await prices.price_of("test/pricey")
            assert fetches() == 1

            now[0] += timedelta(seconds=6)  # the activity's next attempts, seconds apart
            with pytest.raises(PricesUnavailable):
                await prices.price_of("test/pricey")
            now[0] += timedelta(seconds=6)
            assert (await prices.price_of("test/pricey")).input_usd_per_token == 15e-6
            assert fetches() == 3

            # A model the provider lists without a price is still the person's to fix.
            with pytest.raises(UnknownModelPrice):
                await prices.price_of("test/unpriced")

            # Down again once the list is a day old: the cached prices serve, and the list
            # is asked for again after minutes, not at every call.
            now[0] += timedelta(days=1, seconds=1)
            llm.fail_models_next(5)
            for _ in range(3):
                now[0] += timedelta(seconds=6)
                assert (await prices.price_of("test/pricey")).output_usd_per_token == 75e-6
            assert fetches() == 4
    finally:
        await db.dispose()


async def test_a_list_that_cannot_be_cached_is_used_all_the_same(
    database_url: str, tmp_path: Path
) -> None:
    """The database refusing the cache's write left the process with no provider prices."""
    db = Database(database_url)
    settings = Settings(data_dir=tmp_path, database_url=database_url)
    try:
        async with scripted_llm_server() as llm, LLMClient(base_url=llm.base_url) as client:
            prices = ModelPrices(db, client, settings)
            await prices.load()
            async with db.sessions() as session, session.begin():
                await session.execute(text("DROP TABLE model_prices"))
            assert await prices.refresh() is True
            assert (await prices.price_of("test/pricey")).input_usd_per_token == 15e-6
    finally:
        await db.dispose()
