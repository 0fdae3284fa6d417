"""The API's connection to Temporal, which may come and go."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client

from api.temporal_namespace import register_missing
from api.temporal_runtime import core_runtime
from mcc.config import Settings
from mcc.errors import ServiceUnavailable, first_line

log = logging.getLogger(__name__)

# An address that accepts connections and never answers would hold a connection
# attempt for the SDK's 30 s: a start-up retry loop and a health probe give up sooner.
_CONNECT_WITHIN_S = 5.0
_PROBE_WITHIN_S = 2.0
_PROBE_TRIES, _PROBE_PAUSE_S = 3, 0.1


class TemporalLink:
    """Holds the client once connected; routes that need it get a clear 503 before."""

    def __init__(self, settings: Settings, client: Client | None = None) -> None:
        self.settings = settings
        self._client = client
        # What keeps runs from starting on this Temporal (its namespace lacks MCC's
        # search attributes and refused them), for health; None when nothing does.
        self.namespace_problem: str | None = None

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

    async def connect(self, within_s: float = _CONNECT_WITHIN_S) -> Client:
        if self._client is None:
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancel
            # that meets a connection failing at once, and a SIGTERM'd process went on
            # retrying forever (cpython gh-86296).
            async with asyncio.timeout(within_s):
                self._client = await Client.connect(
                    self.settings.temporal_address,
                    namespace=self.settings.temporal_namespace,
                    runtime=core_runtime(self.settings.temporal_metrics_address),
                )
        return self._client

    async def connect_when_ready(self, within_s: float | None = None) -> Client:
        """Connect once Temporal answers, retrying with backoff (a server still starting
        accepts connections before it serves its namespace).

        `within_s`: give up after that long with a ServiceUnavailable that says so;
        None: keep trying (a scaled process outlives a Temporal restart at start-up).
        """
        address = self.settings.temporal_address
        deadline = None if within_s is None else time.monotonic() + within_s
        delay = 0.25
        while True:
            try:
                async with asyncio.timeout(_CONNECT_WITHIN_S):  # see `connect`
                    client = await Client.connect(
                        address,
                        namespace=self.settings.temporal_namespace,
                        runtime=core_runtime(self.settings.temporal_metrics_address),
                    )
                await client.workflow_service.describe_namespace(
                    DescribeNamespaceRequest(namespace=self.settings.temporal_namespace),
                    timeout=timedelta(seconds=5),
                )
            except Exception as exc:
                if deadline is not None and time.monotonic() + delay > deadline:
                    raise ServiceUnavailable(
                        f"Temporal at {address} did not answer within {within_s:.0f}s"
                        f" (last error: {temporal_error(exc)})"
                    ) from None
                log.warning(
                    "Temporal at %s is not answering yet (%s); retrying in %.1fs",
                    address,
                    temporal_error(exc),
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            if self._client is None:
                self._client = client
            return self._client

    async def prepare_namespace(self, client: Client) -> None:
        """Register the search attributes MCC's runs carry where they are missing (a
        Temporal not started by `mcc up`), once per connection of this process."""
        self.namespace_problem = await register_missing(client)
        if self.namespace_problem is not None:
            log.warning("%s", self.namespace_problem)

    async def another_connection(self) -> Client:
        """A client of its own (a worker per connection, see `build_workers`)."""
        return await Client.connect(
            self.settings.temporal_address,
            namespace=self.settings.temporal_namespace,
            runtime=core_runtime(self.settings.temporal_metrics_address),
        )

    async def healthy(self) -> bool:
        """Whether Temporal answers within a health probe's patience (a few seconds):
        an address that accepts connections but never answers must not hold it."""
        if self._client is None:
            try:
                await self.connect(within_s=_PROBE_WITHIN_S)
            except Exception:
                return False
        # Again within the same patience when a try fails at once: a connection the
        # server closed (its maximum connection age, every few minutes) fails the calls
        # on it while the client reconnects; that is not Temporal down.
        deadline = time.monotonic() + _PROBE_WITHIN_S
        for attempt in range(_PROBE_TRIES):
            if attempt:
                await asyncio.sleep(_PROBE_PAUSE_S)
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                await self.client.service_client.check_health(timeout=timedelta(seconds=left))
            except Exception as exc:
                log.info("temporal health check failed: %s", exc)
                continue
            return True
        return False


def temporal_error(exc: BaseException) -> str:
    """Why a connection to Temporal failed, in words: the SDK's message is its Rust
    core's debug output (`tonic::transport::Error(Transport, ConnectError(...`)."""
    text = str(exc)
    if "ConnectionRefused" in text or "Connection refused" in text:
        return "connection refused: nothing listens at that address"
    if "dns error" in text or "failed to lookup address" in text:
        return "its host name does not resolve"
    if isinstance(exc, TimeoutError) or "timed out" in text.lower():
        return f"no answer within {_CONNECT_WITHIN_S:.0f} s"
    return first_line(exc)
