"""Webhooks: `POST /api/webhooks/github` (forge events), `POST /api/webhooks/telegram`
(the bot's updates, in webhook mode).

Order matters: the signature (or secret token) first (401, nothing stored),
then the delivery's claim (a redelivery answers 200 and does nothing), then the
event's quick handling, then the claim is marked handled (a claim left unhandled
by a process that died is taken again by a later redelivery); the run's work goes
through Temporal.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request

from api.deps import RuntimeDep, TemporalDep
from api.github_events import GitHubEvents
from mcc.errors import InvalidInput, NotFound
from mcc.forge.github.webhooks import (
    check_signature,
    claim_delivery,
    delivery_handled,
    release_delivery,
)
from mcc.notifications.telegram.webhook import (
    SECRET_HEADER,
    WebhookInbox,
    check_secret_token,
    claim_update,
    webhook_url,
)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


@router.post("/github")
async def github(request: Request, runtime: RuntimeDep, temporal: TemporalDep) -> dict[str, Any]:
    body = await request.body()
    config = await runtime.github.api.config.current()
    check_signature(
        config.webhook_secret,
        body,
        request.headers.get("X-Hub-Signature-256"),
    )
    delivery = request.headers.get("X-GitHub-Delivery", "")
    event = request.headers.get("X-GitHub-Event", "")
    if not delivery or not event:
        raise InvalidInput("X-GitHub-Delivery and X-GitHub-Event are required")
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise InvalidInput("the delivery's body is not JSON") from exc
    async with runtime.db.sessions() as session:
        if not await claim_delivery(session, delivery, event):
            return {"delivery": delivery, "result": "duplicate"}
    try:
        result = await GitHubEvents(runtime, temporal.maybe_client).handle(event, payload, delivery)
    except BaseException:
        async with runtime.db.sessions() as session:
            await release_delivery(session, delivery)
        raise
    async with runtime.db.sessions() as session:
        await delivery_handled(session, delivery)
    return {"delivery": delivery, "result": result}


@router.post("/telegram")
async def telegram(request: Request, runtime: RuntimeDep) -> dict[str, Any]:
    if webhook_url(runtime.settings) is None:
        raise NotFound("Telegram's webhook mode is off (MCC polls the bot)")
    check_secret_token(runtime.keys.telegram_webhook_secret, request.headers.get(SECRET_HEADER))
    try:
        update = json.loads(await request.body())
        update_id = int(update["update_id"])
    except (ValueError, TypeError, KeyError) as exc:
        raise InvalidInput("the update is not JSON with an update_id") from exc
    api = await runtime.telegram.api()
    if api is None:
        return {"update_id": update_id, "result": "no bot configured"}
    async with runtime.db.sessions() as session:
        if not await claim_update(session, api, update_id):
            return {"update_id": update_id, "result": "duplicate"}
    inbox: WebhookInbox = request.app.state.telegram_inbox
    inbox.accept(api, update)
    return {"update_id": update_id, "result": "accepted"}
