"""Process bodies: the embedded all-in-one process, an API-only one, a worker-only one.

`MccServer` is what `mcc up` runs and what the tests start on a free port, so
the tests exercise the same wiring a person gets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator, Sequence
from typing import Any

import socketio
import uvicorn
from temporalio.client import Client
from temporalio.worker import Interceptor, Worker

from api import runs
from api.agent_runs import notify_user_message
from api.app import create_app, with_socketio
from api.realtime import SocketEvents, create_socket_server, on_the_wire, stamped
from api.redis_fanout import (
    keep_tabs_caught_up,
    listen_before_serving,
    redis_manager,
    stop_listening,
)
from api.runs import keep_starting_queued_runs, start_queued_runs
from api.telegram import background_tasks
from api.temporal_link import TemporalLink, temporal_error
from mcc.config import Settings
from mcc.data_dir import ensure_data_dir, exposure_warning
from mcc.event_log import TRANSIENT, EventLog, MemoryEventLog, RedisEventLog
from mcc.models.conversation import Conversation
from mcc.models.issue import Issue
from mcc.models.project import Project
from mcc.notifications.telegram.webhook import WebhookInbox
from mcc.process.child_watcher import use_pidfd_child_watcher
from mcc.process.heap import freeze_startup_heap
from mcc.redis_reach import display_redis_url, redis_problem
from mcc.runtime import Runtime
from mcc.worker_readiness import forget, keep_reporting, report_now, this_worker
from workflows.worker import build_workers

log = logging.getLogger(__name__)

# How long an API process waits at start for its subscription to Redis's fan-out.
SUBSCRIBE_WAIT_S = 5.0


class RedisEvents:
    """Events from a worker process, numbered in the shared log, fanned out by Redis to
    every API process's sockets."""

    def __init__(self, url: str) -> None:
        self.manager = redis_manager(url, write_only=True)
        self.log = RedisEventLog(url)

    async def emit(self, event: str, data: dict[str, Any], room: str) -> None:
        data = on_the_wire(event, data)
        if event in TRANSIENT:
            await self.manager.emit(event, data, room=room)
            return
        head = await self.log.append(room, event, data)
        await self.manager.emit(event, stamped(data, room, head), room=room)


class _Uvicorn(uvicorn.Server):
    """uvicorn without its own signal handling: the owner of the loop decides when to stop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class MccServer:
    """The API (with socket.io and the SPA), the Temporal worker, or both, in this loop."""

    def __init__(
        self,
        settings: Settings,
        *,
        api: bool = True,
        worker: bool = True,
        handle_signals: bool = False,
        interceptors: Sequence[Interceptor] = (),
        temporal_wait_s: float | None = None,
    ) -> None:
        self.settings = settings
        # How long a worker waits for Temporal to answer at start (None: until it does).
        self.temporal_wait_s = temporal_wait_s
        self.runtime = Runtime.build(settings, runs_worker=worker)
        self.sio: socketio.AsyncServer | None = None
        self.event_log: EventLog | None = None
        if api:
            # One log per deployment: in Redis when processes share it, else in memory.
            log: EventLog = (
                RedisEventLog(settings.redis_url) if settings.redis_url else MemoryEventLog()
            )
            self.event_log = log
            self.sio = create_socket_server(
                self.runtime, log, self._user_message, self._start_issue_run
            )
            if settings.redis_url:
                self.sio.manager = redis_manager(settings.redis_url)
                self.sio.manager.set_server(self.sio)
            self.runtime.events = SocketEvents(self.sio, log)
        elif settings.redis_url:
            events = RedisEvents(settings.redis_url)
            self.event_log = events.log
            self.runtime.events = events
        self.temporal = TemporalLink(settings)
        self.with_worker = worker
        self.interceptors = interceptors  # for the workers (the bench times its steps)
        self.workers: list[Worker] = []
        self.http: _Uvicorn | None = None
        self._tasks: list[asyncio.Task[Any]] = []
        self._connecting: asyncio.Task[Any] | None = None
        self._background: list[asyncio.Task[None]] = []  # loops that end only when cancelled
        self.telegram_inbox: WebhookInbox | None = None
        self.reported_as: str | None = None  # this worker's row of readiness, once written
        if api and self.sio is not None:
            fastapi_app = create_app(self.runtime, self.temporal)
            self.telegram_inbox = fastapi_app.state.telegram_inbox
            app = with_socketio(fastapi_app, self.sio)
            config = uvicorn.Config(
                app,
                host=settings.host,
                port=settings.port,
                log_level="warning",
                # Its records go to the process's handler (mcc.logs): JSON when asked.
                log_config=None,
                lifespan="off",
                # uvicorn would believe X-Forwarded-For from 127.0.0.1 and rewrite the
                # peer; MCC decides whom to believe itself (`MCC_TRUSTED_PROXIES`).
                proxy_headers=False,
            )
            self.http = _Uvicorn(config)

    async def _user_message(self, conversation: Conversation, message_id: int) -> None:
        await notify_user_message(
            self.temporal.maybe_client, conversation, message_id, self.runtime.settings
        )

    async def _start_issue_run(self, project: Project, issue: Issue) -> None:
        await runs.start_issue_run(self.temporal.client, self.runtime.settings, project, issue)

    async def _connect_later(self) -> None:
        client = await self.temporal.connect_when_ready()
        await self.temporal.prepare_namespace(client)
        await self._resend_decisions(client)

    async def _resend_decisions(self, client: Client) -> None:
        """Decisions a process that stopped had claimed but not yet signalled reach their
        runs now (a later attempt on the same round would send them too).

        Never stops the start: an API serves with its database down or not yet migrated
        (health says so), and the next start or attempt sends them."""
        try:
            async with self.runtime.db.sessions() as session:
                resent = await runs.resend_decisions(client, session, None)
        except Exception as exc:
            log.warning("could not look for undelivered decisions (%s); next start will", exc)
            return
        if resent:
            log.info("sent %d stored decision(s) to their run(s) again", resent)

    @property
    def port(self) -> int:
        """The bound port (useful when the settings asked for port 0)."""
        assert self.http is not None and self.http.servers
        sock = self.http.servers[0].sockets[0]
        return int(sock.getsockname()[1])

    async def start(self) -> None:
        use_pidfd_child_watcher()
        redis_answers = False
        if self.settings.redis_url:
            redis_answers = await _redis_answers(self.settings.redis_url)
        # Said before anything is written there: the directory may predate MCC's 0700.
        warning = exposure_warning(self.settings.resolved_data_dir)
        if warning is not None:
            log.warning(warning)
        ensure_data_dir(self.settings.resolved_data_dir)
        if self.with_worker:
            client = await self.temporal.connect_when_ready(self.temporal_wait_s)
            await self.temporal.prepare_namespace(client)
            extra = self.settings.worker_connections - 1
            more = await asyncio.gather(*(self.temporal.another_connection() for _ in range(extra)))
            clients = [client, *more]
            # What API processes' health says of this worker (its LLM and sandbox), written
            # before its first poll: an API never sees it polling without its readiness.
            self.reported_as = this_worker()
            sandbox = self.runtime.sandbox_check
            await report_now(self.runtime.db, self.settings, sandbox, self.reported_as)
            self.workers = build_workers(clients, self.runtime, self.interceptors)
            for n, worker in enumerate(self.workers):
                self._tasks.append(asyncio.create_task(worker.run(), name=f"temporal-worker-{n}"))
            self._background = background_tasks(self.runtime, self.temporal)
            reporting = keep_reporting(self.runtime.db, self.settings, sandbox, self.reported_as)
            self._background.append(asyncio.create_task(reporting, name="worker-readiness"))
            started = await start_queued_runs(client, self.settings, self.runtime.db)
            if started:
                log.info("started %d queued run(s)", started)
            # Issues an API saved while it could not reach Temporal, from now on; at the
            # watchdog's pace: a queued issue without a run is the most stalled run.
            queued = keep_starting_queued_runs(
                client, self.settings, self.runtime.db, self.settings.watchdog_interval_s
            )
            self._background.append(asyncio.create_task(queued, name="queued-runs"))
            await self._resend_decisions(client)
        else:
            # The API serves without Temporal (health says so) and connects when it can.
            try:
                client = await self.temporal.connect()
            except Exception as exc:
                log.warning(
                    "Temporal at %s does not answer yet (%s); retrying in the background",
                    self.settings.temporal_address,
                    temporal_error(exc),
                )
                self._connecting = asyncio.create_task(
                    self._connect_later(), name="temporal-connect"
                )
            else:
                await self.temporal.prepare_namespace(client)
                await self._resend_decisions(client)
        if self.http is not None:
            if self.sio is not None and self.settings.redis_url:
                # Waited for only when Redis answers (else the listener keeps trying).
                wait_s = SUBSCRIBE_WAIT_S if redis_answers else 0.0
                if not await listen_before_serving(self.sio, wait_s) and redis_answers:
                    log.warning(
                        "Redis answers but took no subscription to its fan-out in %.0f s: until"
                        " it does, the dashboards connected here miss what the workers send",
                        wait_s,
                    )
                caught_up = keep_tabs_caught_up(self.sio)
                self._background.append(asyncio.create_task(caught_up, name="fanout-catch-up"))
            self._tasks.append(asyncio.create_task(self.http.serve(), name="http"))
            while not self.http.started:
                if self._tasks[-1].done():
                    self._tasks[-1].result()  # raises why it could not bind
                await asyncio.sleep(0.02)
        freeze_startup_heap()

    async def wait(self, stop: asyncio.Event) -> None:
        """Until `stop` is set or a part ends by itself (a worker that cannot go on)."""
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait([stopper, *self._tasks], return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()

    async def stop(self) -> None:
        if self._connecting is not None:
            self._connecting.cancel()
            with contextlib.suppress(BaseException):
                await self._connecting
        if self.http is not None:
            self.http.should_exit = True
        if self.telegram_inbox is not None:
            await self.telegram_inbox.drain(timeout_s=10)  # updates Telegram was told we took
        for task in self._background:
            task.cancel()
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        if self.workers:
            grace = self.settings.worker_shutdown_grace_s
            if grace:
                log.info("letting the steps under way finish (up to %.0f s)", grace)
            shutdowns = asyncio.gather(*(worker.shutdown() for worker in self.workers))
            with contextlib.suppress(Exception):
                await asyncio.wait_for(shutdowns, timeout=grace + 10)
        for task in self._tasks:
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(task, timeout=10)
        if self.reported_as is not None:
            # A worker stopped is gone from health at once (a killed one after two minutes).
            with contextlib.suppress(Exception):
                await forget(self.runtime.db, self.reported_as)
        if self.sio is not None and self.settings.redis_url:
            await stop_listening(self.sio)
        if isinstance(self.event_log, RedisEventLog):
            await self.event_log.aclose()
        await self.runtime.close()


async def _redis_answers(url: str) -> bool:
    """Whether Redis answers; if not, one line at start-up naming the variable, rather
    than a traceback per request later.

    Not fatal: Redis may come up after MCC (each process serves, and health says 503,
    until it does)."""
    problem = await redis_problem(url)
    if problem is not None:
        log.warning(
            "Redis at %s (MCC_REDIS_URL) does not answer (%s): until it does, API requests"
            " are refused with 503 and live updates do not reach the dashboards",
            display_redis_url(url),
            problem.rstrip("."),
        )
    return problem is None


async def serve(
    settings: Settings,
    *,
    api: bool = True,
    worker: bool = True,
    temporal_wait_s: float | None = None,
) -> None:
    """Serve until SIGINT (Ctrl-C) or SIGTERM, then stop the worker and the API cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    server = MccServer(settings, api=api, worker=worker, temporal_wait_s=temporal_wait_s)
    try:
        start = asyncio.create_task(server.start())
        # Ctrl-C while waiting for Temporal stops the wait too.
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait([start, stopper], return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if not start.done():
            start.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await start
            return
        start.result()
        await server.wait(stop)
    finally:
        await server.stop()
