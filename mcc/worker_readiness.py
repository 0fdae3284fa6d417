"""What each worker process can do (its LLM settings, its sandbox), told to the API
processes through the database.

An `mcc api` process runs no agent: its own bubblewrap and LLM key say nothing of the
workers' hosts, where agents run. So every worker writes its readiness into a row of its
own every half minute, and the health of a process without a worker reports the live
workers' rows, naming a worker that cannot run agents.

Why a table: every process of a deployment shares the database (Redis is optional, and
its absence is itself a problem health reports), the Telegram poller already tells
health its state this way, and a row follows the worker while it runs: a sandbox fixed
after the worker started shows ready at its next report (the probe reruns once a
minute). A worker's Temporal identity, read through DescribeTaskQueue, would need no
table but is fixed when the worker starts.

A worker that stops cleanly deletes its row; a killed one stops refreshing it, and a
row not refreshed for two minutes is not counted: the window `api.worker_presence`
gives Temporal's pollers, so both say a worker is gone at about the same time (with the
hosts' clocks within a minute of each other). Rows silent for a day are deleted by any
worker's next report, so restarted containers leave no trail.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.config import Settings
from mcc.db.base import utcnow
from mcc.db.engine import Database
from mcc.models.worker_readiness import WorkerReadiness
from mcc.readiness import LLMReport, LLMState, Readiness, SandboxCheck, llm_report
from mcc.sandbox.sandbox import SandboxReport, SandboxState

log = logging.getLogger(__name__)

REPORT_EVERY_S = 30.0
ALIVE_WITHIN = timedelta(minutes=2)
_FORGOTTEN_AFTER = timedelta(days=1)
# The state health shows for several workers: the one that stops runs first.
_WORST_FIRST: tuple[SandboxState, ...] = ("missing", "broken", "off", "ready")


@dataclass(frozen=True)
class WorkerReport:
    identity: str  # pid@host
    llm: LLMReport
    sandbox: SandboxReport


def this_worker() -> str:
    """This process's name as Temporal's SDK makes it (pid@host), so that health and the
    Temporal UI's list of pollers name a worker alike."""
    return f"{os.getpid()}@{socket.gethostname()}"


async def save_report(db: Database, report: WorkerReport) -> None:
    """Write this worker's row (seen now), and delete the rows of workers long gone."""
    now = utcnow()
    async with db.sessions() as session:
        await session.merge(
            WorkerReadiness(
                identity=report.identity,
                llm_state=report.llm.state,
                llm_detail=report.llm.detail,
                sandbox_state=report.sandbox.state,
                sandbox_detail=report.sandbox.detail,
                seen_at=now,
            )
        )
        await session.execute(
            delete(WorkerReadiness).where(WorkerReadiness.seen_at < now - _FORGOTTEN_AFTER)
        )
        await session.commit()


async def forget(db: Database, identity: str) -> None:
    """Delete this worker's row as it stops: health stops counting it at once."""
    async with db.sessions() as session:
        await session.execute(delete(WorkerReadiness).where(WorkerReadiness.identity == identity))
        await session.commit()


async def report_now(
    db: Database, settings: Settings, sandbox: SandboxCheck, identity: str
) -> None:
    """Probe (the sandbox at most once a minute) and save; a database that does not answer
    is logged, not raised: the worker goes on, and its report ages out of health."""
    try:
        report = WorkerReport(identity, llm_report(settings), await sandbox.report())
        await save_report(db, report)
    except Exception as exc:
        log.warning("could not save this worker's readiness for health: %s", exc)


async def keep_reporting(
    db: Database,
    settings: Settings,
    sandbox: SandboxCheck,
    identity: str,
    every_s: float = REPORT_EVERY_S,
) -> None:
    """Report every `every_s` seconds, until cancelled."""
    while True:
        await asyncio.sleep(every_s)
        await report_now(db, settings, sandbox, identity)


async def live_reports(session: AsyncSession, now: datetime) -> list[WorkerReport]:
    """The reports of the workers seen within the last two minutes, by identity."""
    rows = await session.scalars(
        select(WorkerReadiness)
        .where(WorkerReadiness.seen_at >= now - ALIVE_WITHIN)
        .order_by(WorkerReadiness.identity)
    )
    return [
        WorkerReport(
            row.identity,
            LLMReport(cast(LLMState, row.llm_state), row.llm_detail),
            SandboxReport(cast(SandboxState, row.sandbox_state), row.sandbox_detail),
        )
        for row in rows
    ]


def workers_readiness(reports: Sequence[WorkerReport]) -> Readiness:
    """What the live workers can do together: a state that holds for all of them (the
    worst one's), and a sentence per problem naming the workers that have it."""
    if not reports:
        return Readiness("unknown", "unknown", [])
    without_llm = [r for r in reports if r.llm.state != "configured"]
    problems = [
        f"LLM not configured on {_workers(names)}: {detail}"
        for detail, names in _grouped((r.llm.detail, r.identity) for r in without_llm)
    ]
    for state in ("missing", "broken"):
        lacking = ((r.sandbox.detail, r.identity) for r in reports if r.sandbox.state == state)
        problems += [
            f"sandbox {state} on {_workers(names)}: {detail}" for detail, names in _grouped(lacking)
        ]
    return Readiness(
        "not_configured" if without_llm else "configured",
        _worst(reports).sandbox.state,
        problems,
    )


def _worst(reports: Sequence[WorkerReport]) -> WorkerReport:
    """The report whose sandbox stops runs first."""
    return min(reports, key=lambda r: _WORST_FIRST.index(r.sandbox.state))


def _grouped(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """(detail, identity) pairs as one entry per detail: ten workers with the same missing
    key make one sentence, not ten."""
    by_detail: dict[str, list[str]] = {}
    for detail, identity in pairs:
        by_detail.setdefault(detail, []).append(identity)
    return list(by_detail.items())


def _workers(names: list[str]) -> str:
    return f"worker {names[0]}" if len(names) == 1 else f"workers {', '.join(names)}"


def workers_sandbox(reports: Sequence[WorkerReport]) -> SandboxReport | None:
    """The sandbox of the live workers as one report (the worst one's, naming its worker
    when there are several), for the settings page; None when no worker is live."""
    if not reports:
        return None
    worst = _worst(reports)
    if len(reports) == 1:
        return worst.sandbox
    return SandboxReport(worst.sandbox.state, f"on worker {worst.identity}: {worst.sandbox.detail}")
