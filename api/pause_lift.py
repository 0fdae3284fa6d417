"""The API's side of lifting the emergency pause: the runs it held hear of it."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from temporalio.client import Client
from temporalio.service import RPCError

from mcc.conversations import open_agent_runs
from mcc.db.engine import Database
from workflows.agent_run import AgentRunWorkflow

# A lifted pause answers the person at once, Temporal reachable or not.
_SIGNAL_TIMEOUT = timedelta(seconds=3)


async def lift_pause_on_runs(client: Client | None, db: Database, owner_id: int) -> None:
    """The owner's emergency pause was lifted: the runs it held try their step again now,
    and their issues leave `paused` at once, instead of at each run's next retry. Best
    effort: without Temporal, or for a run that just ended, the runs retry by themselves."""
    if client is None:
        return
    async with db.sessions() as session:
        run_ids = await open_agent_runs(session, owner_id)

    async def lift(run_id: str) -> None:
        with contextlib.suppress(RPCError):
            await client.get_workflow_handle(run_id).signal(
                AgentRunWorkflow.pause_lifted, rpc_timeout=_SIGNAL_TIMEOUT
            )

    await asyncio.gather(*(lift(run_id) for run_id in run_ids))
