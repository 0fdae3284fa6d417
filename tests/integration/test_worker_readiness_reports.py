"""Workers' readiness rows in the database: they follow a worker while it runs, and one
that stopped reporting stops counting."""

from __future__ import annotations

import asyncio
import shutil
from datetime import timedelta

from alembic import command
from sqlalchemy import inspect, select

from mcc.config import Settings
from mcc.db.base import utcnow
from mcc.db.engine import Database
from mcc.db.migrate import alembic_config, upgrade
from mcc.models.worker_readiness import WorkerReadiness
from mcc.readiness import LLMReport, SandboxCheck
from mcc.sandbox.sandbox import Sandbox, SandboxReport
from mcc.worker_readiness import (
    ALIVE_WITHIN,
    WorkerReport,
    keep_reporting,
    live_reports,
    report_now,
    save_report,
)
from tests.support.migrations import revision_before
from tests.support.waiting import eventually

LLM = LLMReport("configured", "http://127.0.0.1:9/v1 (a local server)")
READY = SandboxReport("ready", "bubblewrap")


async def test_a_worker_silent_for_two_minutes_is_no_longer_counted(database_url):
    db = Database(database_url)
    try:
        await save_report(db, WorkerReport("7@a", LLM, READY))
        async with db.sessions() as session:
            now = utcnow()
            assert [r.identity for r in await live_reports(session, now)] == ["7@a"]
            later = now + ALIVE_WITHIN + timedelta(seconds=1)
            assert await live_reports(session, later) == []
    finally:
        await db.dispose()


async def test_the_rows_of_workers_gone_for_a_day_are_deleted_by_the_next_report(database_url):
    db = Database(database_url)
    try:
        async with db.sessions() as session:
            session.add(
                WorkerReadiness(
                    identity="1@container-gone",
                    llm_state="configured",
                    llm_detail="",
                    sandbox_state="ready",
                    sandbox_detail="",
                    seen_at=utcnow() - timedelta(days=2),
                )
            )
            await session.commit()
        await save_report(db, WorkerReport("7@a", LLM, READY))
        async with db.sessions() as session:
            assert list(await session.scalars(select(WorkerReadiness.identity))) == ["7@a"]
    finally:
        await db.dispose()


async def test_a_sandbox_installed_after_the_worker_started_shows_ready_at_its_next_report(
    database_url, tmp_path
):
    bwrap = tmp_path / "bin" / "bwrap"
    bwrap.parent.mkdir()
    settings = Settings(llm_base_url="http://127.0.0.1:9/v1")
    check = SandboxCheck(Sandbox(bwrap=str(bwrap)), recheck_s=0)
    db = Database(database_url)
    reporting = asyncio.create_task(keep_reporting(db, settings, check, "7@a", every_s=0.1))
    try:
        await report_now(db, settings, check, "7@a")

        async def sandbox_state() -> str:
            async with db.sessions() as session:
                [report] = await live_reports(session, utcnow())
                return report.sandbox.state

        assert await sandbox_state() == "missing"
        real = shutil.which("bwrap")
        assert real is not None
        bwrap.symlink_to(real)

        async def ready() -> bool:
            return await sandbox_state() == "ready"

        await eventually(ready, 30, "the worker's next report to say ready")
    finally:
        reporting.cancel()
        await asyncio.gather(reporting, return_exceptions=True)
        await db.dispose()


async def test_the_readiness_table_goes_with_its_migration_and_comes_back(database_url):
    async def tables() -> set[str]:
        db = Database(database_url)
        try:
            async with db.engine.connect() as conn:
                return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        finally:
            await db.dispose()

    before = revision_before(database_url, "create_table", "worker_readiness")
    await asyncio.to_thread(command.downgrade, alembic_config(database_url), before)
    assert "worker_readiness" not in await tables()
    await asyncio.to_thread(upgrade, database_url)
    assert "worker_readiness" in await tables()
