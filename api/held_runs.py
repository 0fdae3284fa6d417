"""The API's side of lifting what holds runs (the emergency pause, a budget limit): the
runs it held hear of it at once, instead of at their next retry."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from temporalio.client import Client
from temporalio.service import RPCError

from mcc.conversations import open_agent_runs
from mcc.db.engine import Database
from workflows.agent_run import AgentRunWorkflow

# Lifting a hold answers the person at once, Temporal reachable or not.
_SIGNAL_TIMEOUT = timedelta(seconds=3)


async def lift_pause_on_runs(client: Client | None, db: Database, owner_id: int) -> None:
    """The owner's emergency pause was lifted: the runs it held try their step again now,
    and their issues leave `paused` at once."""
    await _tell_open_runs(client, db, owner_id, AgentRunWorkflow.pause_lifted)


async def tell_runs_budget_changed(client: Client | None, db: Database, owner_id: int) -> None:
    """The owner changed a budget limit: the runs their budget holds try their step again
    now, and their issues leave `budget_blocked` at once if it lets them through."""
    await _tell_open_runs(client, db, owner_id, AgentRunWorkflow.budget_raised)


async def _tell_open_runs(
    client: Client | None, db: Database, owner_id: int, signal: Callable[..., Any]
) -> None:
    """Best effort: without Temporal, or for a run that just ended, runs retry by
    themselves (BLOCKED_RETRY); each run decides whether the signal concerns it."""
    if client is None:
        return
    async with db.sessions() as session:
        run_ids = await open_agent_runs(session, owner_id)

    async def tell(run_id: str) -> None:
        with contextlib.suppress(RPCError):
            await client.get_workflow_handle(run_id).signal(signal, rpc_timeout=_SIGNAL_TIMEOUT)

    await asyncio.gather(*(tell(run_id) for run_id in run_ids))
