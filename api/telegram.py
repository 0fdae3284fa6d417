"""Telegram's side of the edge: a button press becomes the dashboard's decision, and the
worker process long-polls the bot and runs the watchdog."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from api.runs import decide_issue
from api.temporal_link import TemporalLink
from mcc.errors import Conflict, ServiceUnavailable
from mcc.issues import get_issue
from mcc.notifications.notification import Decision
from mcc.notifications.telegram.poller import TelegramPoller
from mcc.notifications.telegram.updates import REJECT_FEEDBACK, TelegramUpdates
from mcc.notifications.watchdog import run_watchdog
from mcc.phases import Phase
from mcc.projects import get_project
from mcc.runtime import Runtime


class RunDecisions:
    """The one place a Telegram press calls the run's decision code (the same functions
    the dashboard's approve/reject endpoints call)."""

    def __init__(self, runtime: Runtime, temporal: TemporalLink) -> None:
        self.runtime = runtime
        self.temporal = temporal

    async def __call__(self, owner_id: int, decision: Decision, approve: bool) -> None:
        client = self.temporal.maybe_client
        if client is None:
            raise ServiceUnavailable("Temporal is not reachable; try again in a moment")
        async with self.runtime.db.sessions() as session:
            project = await get_project(session, decision.project_id, owner_id=owner_id)
            issue = await get_issue(session, project.id, decision.issue_number)
            if issue.phase != Phase.AWAITING_APPROVAL.value:
                raise Conflict(f"issue #{issue.number} is not awaiting approval ({issue.phase})")
            # The round and head the message showed; an old message cannot decide a new round.
            await decide_issue(
                client,
                session,
                issue,
                "approve" if approve else "reject",
                decision.round if decision.round is not None else issue.round,
                decision.head if decision.round is not None else issue.head_sha,
                "" if approve else REJECT_FEEDBACK,
                user_id=owner_id,
            )


def background_tasks(runtime: Runtime, temporal: TemporalLink) -> list[asyncio.Task[None]]:
    """What the worker process runs beside its Temporal workers."""
    settings = runtime.settings
    poller = TelegramPoller(
        runtime.db,
        runtime.telegram,
        TelegramUpdates(runtime.db, RunDecisions(runtime, temporal)),
        settings.telegram_poll_seconds,
    )
    watchdog = run_watchdog(
        runtime.notifications,
        timedelta(minutes=settings.stall_minutes),
        settings.watchdog_interval_s,
    )
    return [
        asyncio.create_task(poller.run(), name="telegram-poller"),
        asyncio.create_task(watchdog, name="watchdog"),
    ]
