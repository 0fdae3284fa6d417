"""`mcc eval`: an MCC of its own (fresh data dir, own Temporal), the tasks through it, the report.

The evaluation never touches the person's projects: it runs on a data
directory and Temporal dev server of its own, with a throwaway account, and
talks to that MCC over its HTTP API like the SPA does (see mcc.eval.runner).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from api.server import MccServer
from mcc.config import Settings
from mcc.db.engine import Database
from mcc.db.migrate import upgrade
from mcc.devserver import DevServer
from mcc.eval.report import Outcome, summarize, table
from mcc.eval.runner import EvalRunner
from mcc.eval.tasks import EvalTask
from mcc.security.accounts import create_user
from workflows.search_attributes import dev_server_flags


@dataclass(frozen=True)
class EvalOptions:
    tasks: list[EvalTask]
    modes: tuple[str, ...]
    model: str | None
    max_usd: float
    json_out: Path
    timeout_s: float | None = None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def eval_settings(base: Settings, data_dir: Path) -> Settings:
    """`base` (LLM, sandbox, budget zone) on a data dir, database, ports and Temporal of its own."""
    return base.model_copy(
        update={
            "data_dir": data_dir,
            "database_url": None,
            "port": 0,
            "temporal_address": f"127.0.0.1:{_free_port()}",
            "temporal_ui_port": _free_port(),
            "temporal_embedded": True,
            "redis_url": None,
        }
    )


async def run_with(server: MccServer, options: EvalOptions, workdir: Path) -> list[Outcome]:
    """Sign in to a started MCC and put the tasks through it."""
    email, password = "eval@mcc.local", secrets.token_urlsafe(24)
    async with server.runtime.db.sessions() as session:
        await create_user(session, email, password)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}", timeout=60) as api:
        login = await api.post("/api/auth/login", json={"email": email, "password": password})
        login.raise_for_status()
        api.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        runner = EvalRunner(
            api=api,
            workdir=workdir,
            origin_of=server.runtime.repos.origin,
            model=options.model,
            timeout_s=options.timeout_s,
        )
        await runner.set_budget(options.max_usd)
        return await runner.run(options.tasks, options.modes)


def write_report(outcomes: list[Outcome], options: EvalOptions, model: str) -> str:
    summary = summarize(outcomes, model=model)
    options.json_out.write_text(json.dumps(summary, indent=2) + "\n")
    return table(summary)


async def run_eval(base: Settings, options: EvalOptions) -> str:
    """Run the evaluation on an MCC of its own; returns the table (the JSON is written)."""
    with tempfile.TemporaryDirectory(prefix="mcc-eval-") as tmp:
        settings = eval_settings(base, Path(tmp) / "data")
        Database.from_settings(settings)
        # Both block (and the migrations run their own event loop): off this loop.
        await asyncio.to_thread(upgrade, settings.resolved_database_url)
        dev = DevServer(settings, dev_server_flags())
        await asyncio.to_thread(dev.start)
        try:
            server = MccServer(settings)
            await server.start()
            try:
                outcomes = await run_with(server, options, Path(tmp))
            finally:
                await server.stop()
        finally:
            dev.stop()
    return write_report(outcomes, options, options.model or base.agent_default_model)
