from __future__ import annotations

import asyncio
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import RuntimeDep, TemporalDep
from api.schemas.health import HealthOut
from api.temporal_link import TemporalLink
from api.worker_presence import WorkerState, worker_state
from mcc.config import Settings
from mcc.db.base import utcnow
from mcc.db.schema_check import database_problem
from mcc.notifications.telegram.bot import poll_problem
from mcc.readiness import Readiness, llm_report, own_readiness
from mcc.redis_reach import display_redis_url, redis_problem
from mcc.runtime import Runtime
from mcc.worker_readiness import live_reports, workers_readiness

router = APIRouter(tags=["health"])

RedisState = Literal["ok", "down", "not_used"]
# Said by a process without a worker: without Redis, workers' events stay in their process.
NO_SHARED_EVENTS = (
    "MCC_REDIS_URL is not set: live updates of runs made by workers in other processes will"
    " not reach this API's dashboards; give every api and worker process the same"
    " MCC_REDIS_URL."
)


@router.get("/health", response_model=HealthOut, responses={503: {"model": HealthOut}})
async def health(runtime: RuntimeDep, temporal: TemporalDep) -> JSONResponse:
    """Whether the database, Temporal and Redis answer (503 names the one that does not),
    and whether runs can move: a worker, the sandbox and the LLM (this process's own when
    it runs a worker, else the live workers' reports), events shared between processes,
    and whether the Telegram bot can be polled (reported, still 200)."""
    settings = runtime.settings
    # At once, each bounded by its own timeout: a probe waits for the slowest part only.
    database, (temporal_up, worker), redis = await asyncio.gather(
        database_problem(runtime.db),
        _temporal_state(temporal, settings.temporal_task_queue),
        _redis_state(settings.redis_url),
    )
    db_up = database is None
    readiness = await _readiness(runtime, db_up)
    ok = db_up and temporal_up and redis != "down"
    problems = [database.sentence] if database is not None else []
    problems += readiness.problems
    problems += _problems(settings, temporal_up, worker, redis)
    if redis == "not_used" and not runtime.runs_worker:
        problems.append(NO_SHARED_EVENTS)
    if temporal_up and temporal.namespace_problem is not None:
        problems.append(temporal.namespace_problem)
    if db_up:
        # Not a core dependency (still 200), but a silent bot is a problem the person must see.
        async with runtime.db.sessions() as session:
            telegram = await poll_problem(session, settings)
        problems += [telegram] if telegram else []
    body = HealthOut(
        status="ok" if ok else "degraded",
        db="ok" if db_up else "down",
        temporal="ok" if temporal_up else "down",
        worker=worker,
        redis=redis,
        sandbox=readiness.sandbox,
        llm=readiness.llm,
        readiness_of="this_process" if runtime.runs_worker else "workers",
        problems=problems,
    )
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)


async def _readiness(runtime: Runtime, db_up: bool) -> Readiness:
    """This process's own sandbox and LLM where its agents run (`mcc up`); else what the
    live workers last reported (an API's own say nothing of the hosts agents run on)."""
    if runtime.runs_worker:
        return own_readiness(llm_report(runtime.settings), await runtime.sandbox_check.report())
    if not db_up:
        return Readiness("unknown", "unknown", [])
    async with runtime.db.sessions() as session:
        return workers_readiness(await live_reports(session, utcnow()))


async def _temporal_state(temporal: TemporalLink, task_queue: str) -> tuple[bool, WorkerState]:
    """Whether Temporal answers, then who polls `task_queue`: asked after, not alongside,
    as `healthy()` is what connects a link that has no client yet (Temporal was away when
    the API started), and the question needs that client."""
    if not await temporal.healthy():
        return False, "unknown"
    return True, await worker_state(temporal.maybe_client, task_queue)


async def _redis_state(url: str | None) -> RedisState:
    if url is None:
        return "not_used"
    return "down" if await redis_problem(url) else "ok"


def _problems(
    settings: Settings,
    temporal_up: bool,
    worker: WorkerState,
    redis: RedisState,
) -> list[str]:
    """What the person must fix for runs to move, one sentence each."""
    problems = []
    if not temporal_up:
        problems.append(
            f"Temporal at {settings.temporal_address} (MCC_TEMPORAL_ADDRESS) does not answer:"
            " runs wait, and new issues are kept and start once it does."
        )
    if worker == "none":
        problems.append(
            f"No worker polls Temporal's task queue {settings.temporal_task_queue!r}: runs wait"
            " until a worker is started (`mcc worker`, or `mcc up`, which runs one)."
        )
    elif worker == "unknown" and temporal_up:
        problems.append("Temporal did not say in time whether a worker is running.")
    if redis == "down" and settings.redis_url:
        problems.append(
            f"Redis at {display_redis_url(settings.redis_url)} (MCC_REDIS_URL) does not"
            " answer: requests are refused and live updates stop until it does."
        )
    return problems
