"""Model prices for the budget: settings overrides, the provider's list (cached in the database), the shipped table.

The provider's list is fetched when the cache is empty or older than a day,
and again (at most every few minutes) when a model has no known price; when
the provider is unreachable the cached list stays in use. A model whose price
is unknown only because the list could not be fetched is a retryable
`PricesUnavailable`, tried again within seconds, not the person's
`UnknownModelPrice`: a provider down for a minute as a worker starts must not
send every run it touches to needs_attention.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from mcc.budget.money import decimal_of
from mcc.config import Settings
from mcc.db.base import utcnow
from mcc.db.engine import Database
from mcc.db.unavailable import DatabaseUnavailable
from mcc.errors import first_line
from mcc.llm import (
    LLMClient,
    LLMError,
    ModelPrice,
    PriceBook,
    PricesUnavailable,
    UnknownModel,
    UnknownModelPrice,
)
from mcc.llm.catalog import provider_prices, provider_windows
from mcc.models.model_price import ModelPriceRow

log = logging.getLogger(__name__)


class Prices(Protocol):
    async def price_of(self, model: str) -> ModelPrice:
        """The price of `model`; raises UnknownModelPrice."""
        ...

    def context_lengths(self) -> Mapping[str, int]:
        """The context windows the provider published, by model (empty when unknown)."""
        ...


class FixedPrices:
    """A PriceBook as `Prices` (tests, and callers that manage prices themselves)."""

    def __init__(self, book: PriceBook) -> None:
        self.book = book

    async def price_of(self, model: str) -> ModelPrice:
        return self.book.price_of(model)

    def context_lengths(self) -> Mapping[str, int]:
        return {}


def price_overrides(settings: Settings) -> dict[str, ModelPrice]:
    return {
        model: ModelPrice(model=model, input_usd_per_token=inp, output_usd_per_token=out)
        for model, (inp, out) in settings.llm_price_overrides.items()
    }


class ModelPrices:
    """Prices with the provider's list cached in `model_prices` (one cache per base URL)."""

    def __init__(
        self,
        db: Database,
        client: LLMClient,
        settings: Settings,
        *,
        max_age: timedelta = timedelta(hours=24),
        retry_after: timedelta = timedelta(minutes=5),
        retry_after_failure: timedelta = timedelta(seconds=5),
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._db = db
        self._client = client
        self._overrides = price_overrides(settings)
        self._max_age = max_age
        self._retry_after = retry_after
        self._retry_after_failure = retry_after_failure
        self._clock = clock
        self._book = PriceBook(overrides=self._overrides)
        self._loaded = False
        self._fetched_at: datetime | None = None
        self._attempted_at: datetime | None = None
        # The ids the provider listed at this process's last fetch (with or without a price).
        self._listed: frozenset[str] = frozenset()
        # Why the last refresh failed, while a retry may get past it (None otherwise).
        self._unavailable: str | None = None
        self._lock = asyncio.Lock()
        # Not cached in the database: until the first refresh of a process the
        # shipped table (or the conservative default) stands in.
        self._windows: dict[str, int] = {}

    @property
    def base_url(self) -> str:
        return self._client.base_url

    def context_lengths(self) -> Mapping[str, int]:
        return self._windows

    async def price_of(self, model: str) -> ModelPrice:
        if not self._loaded or self._stale():
            await self._ensure_fresh()
        price = self._known(model)
        if price is None:
            # A refresh in flight (another caller's) may be bringing this price: wait for it.
            async with self._lock:
                pass
            price = self._known(model)
        if price is None and self._may_retry(for_unknown=True):
            await self.refresh()
            price = self._known(model)
        if price is not None:
            return price
        if self._unavailable is not None:
            raise PricesUnavailable(model, self._unavailable)
        if self._listed and model not in self._listed:
            raise UnknownModel(model, self.base_url, self._listed)
        raise UnknownModelPrice(model)

    def _known(self, model: str) -> ModelPrice | None:
        try:
            return self._book.price_of(model)
        except UnknownModelPrice:
            return None

    async def load(self) -> None:
        """Read the cached provider prices of this base URL."""
        async with self._db.sessions() as session:
            rows = (
                await session.scalars(
                    select(ModelPriceRow).where(ModelPriceRow.base_url == self.base_url)
                )
            ).all()
        provider = {
            row.model: ModelPrice(
                model=row.model,
                input_usd_per_token=float(row.input_usd_per_token),
                output_usd_per_token=float(row.output_usd_per_token),
            )
            for row in rows
        }
        self._fetched_at = min((row.fetched_at for row in rows), default=None)
        self._book = PriceBook(overrides=self._overrides, provider=provider)
        self._loaded = True

    async def refresh(self) -> bool:
        """Fetch the provider's list into the cache; False (cache kept) when it cannot be had."""
        async with self._lock:
            self._attempted_at = self._clock()
            try:
                models = await self._client.list_models()
            except LLMError as exc:
                log.warning("model prices not refreshed: %s", exc)
                self._unavailable = exc.message if exc.retryable else None
                if not self._loaded:
                    await self.load()
                return False
            self._unavailable = None
            now = self._clock()
            prices = provider_prices(models)
            self._windows = provider_windows(models)
            self._listed = frozenset(info.id for info in models)
            try:
                await self._store(prices, now)
            except IntegrityError:
                # Another process stored the same list at the same moment (two workers'
                # first calls): theirs is as good as ours, and an empty book would refuse
                # every call with UnknownModelPrice until the next refresh is allowed.
                log.info("model prices were refreshed by another process; using theirs")
                await self.load()
                return True
            except (SQLAlchemyError, DatabaseUnavailable) as exc:
                # The list is good whether or not it could be cached (a refused write, a
                # database away): use it, and let the next process fetch it again.
                log.warning("model prices fetched but not cached: %s", first_line(exc))
            self._book = PriceBook(overrides=self._overrides, provider=prices)
            self._fetched_at = now
            self._loaded = True
            return True

    async def _store(self, prices: Mapping[str, ModelPrice], now: datetime) -> None:
        async with self._db.sessions() as session, session.begin():
            await session.execute(
                delete(ModelPriceRow).where(ModelPriceRow.base_url == self.base_url)
            )
            if prices:
                await session.execute(
                    insert(ModelPriceRow),
                    [
                        {
                            "base_url": self.base_url,
                            "model": model,
                            "input_usd_per_token": decimal_of(price.input_usd_per_token),
                            "output_usd_per_token": decimal_of(price.output_usd_per_token),
                            "fetched_at": now,
                        }
                        for model, price in prices.items()
                    ],
                )

    async def _ensure_fresh(self) -> None:
        if not self._loaded:
            await self.load()
        if self._stale() and self._may_retry():
            await self.refresh()

    def _stale(self) -> bool:
        return self._fetched_at is None or self._clock() - self._fetched_at > self._max_age

    def _may_retry(self, *, for_unknown: bool = False) -> bool:
        """A stale list is fetched again every few minutes at most (while the provider is
        away, each call would wait on its timeout); a price that is missing only because
        the fetch failed is worth trying again within seconds."""
        soon = for_unknown and self._unavailable is not None
        wait = self._retry_after_failure if soon else self._retry_after
        return self._attempted_at is None or self._clock() - self._attempted_at > wait
