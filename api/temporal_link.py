"""The API's connection to Temporal, which may come and go."""

from __future__ import annotations

import logging
from datetime import timedelta

from temporalio.client import Client

from mcc.config import Settings
from mcc.errors import ServiceUnavailable

log = logging.getLogger(__name__)


class TemporalLink:
    """Holds the client once connected; routes that need it get a clear 503 before."""

    def __init__(self, settings: Settings, client: Client | None = None) -> None:
        self.settings = settings
        self._client = client

    @property
    def client(self) -> Client:
        if self._client is None:
            raise ServiceUnavailable(
                f"Temporal is not reachable at {self.settings.temporal_address}"
            )
        return self._client

    @property
    def maybe_client(self) -> Client | None:
        """The client if connected, for reads that can fall back to stored state."""
        return self._client

    async def connect(self) -> Client:
        if self._client is None:
            self._client = await Client.connect(
                self.settings.temporal_address, namespace=self.settings.temporal_namespace
            )
        return self._client

    async def another_connection(self) -> Client:
        """A client of its own (a worker per connection, see `build_workers`)."""
        return await Client.connect(
            self.settings.temporal_address, namespace=self.settings.temporal_namespace
        )

    async def healthy(self) -> bool:
        if self._client is None:
            try:
                await self.connect()
            except Exception:
                return False
        try:
            await self.client.service_client.check_health(timeout=timedelta(seconds=2))
        except Exception as exc:
            log.info("temporal health check failed: %s", exc)
            return False
        return True
