"""Telegram's side of the edge: a button press becomes the dashboard's decision, and the
worker process long-polls the bot (or registers its webhook) and runs the watchdog."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from api.runs import decide_issue, resend_decisions
from api.temporal_link import TemporalLink
from mcc.errors import Conflict, ServiceUnavailable
from mcc.issues import get_issue
from mcc.notifications.notification import Decision
from mcc.notifications.telegram.poller import TelegramPoller
from mcc.notifications.telegram.updates import REJECT_FEEDBACK, TelegramUpdates
from mcc.notifications.telegram.webhook import WebhookRegistrar, webhook_url
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
                # Decided already: if by a process that stopped before telling the run,
                # the run gets that decision now (this press still loses to it).
                await resend_decisions(client, session, issue.id)
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


def telegram_updates(runtime: Runtime, temporal: TemporalLink) -> TelegramUpdates:
    """What the bot is told is handled here, whether it was polled or POSTed to MCC."""
    return TelegramUpdates(runtime.db, RunDecisions(runtime, temporal))


def background_tasks(runtime: Runtime, temporal: TemporalLink) -> list[asyncio.Task[None]]:
    """What the worker process runs beside its Temporal workers: the watchdog, and
    either the getUpdates poller or, in webhook mode, the webhook's registration."""
    settings = runtime.settings
    url = webhook_url(settings)
    if url is None:
        poller = TelegramPoller(
            runtime.db,
            runtime.telegram,
            telegram_updates(runtime, temporal),
            settings.telegram_poll_seconds,
        )
        receive = asyncio.create_task(poller.run(), name="telegram-poller")
    else:
        registrar = WebhookRegistrar(runtime.telegram, url, runtime.keys.telegram_webhook_secret)
        receive = asyncio.create_task(registrar.run(), name="telegram-webhook")
    watchdog = run_watchdog(
        runtime.notifications,
        timedelta(minutes=settings.stall_minutes),
        settings.watchdog_interval_s,
    )
    return [receive, asyncio.create_task(watchdog, name="watchdog")]
