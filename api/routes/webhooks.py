"""Webhooks from forges: `POST /api/webhooks/github`.

Order matters: the signature over the raw body first (401, nothing stored),
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
from mcc.errors import InvalidInput
from mcc.forge.github.webhooks import (
    check_signature,
    claim_delivery,
    delivery_handled,
    release_delivery,
)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


@router.post("/github")
async def github(request: Request, runtime: RuntimeDep, temporal: TemporalDep) -> dict[str, Any]:
    body = await request.body()
    secret = runtime.settings.github_webhook_secret
    check_signature(
        secret.get_secret_value() if secret else None,
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
