"""GitHub webhook deliveries: the signature check and the once-only claim.

The signature is checked over the raw body before anything is parsed or stored
(docs.github.com, "Validating webhook deliveries"); only a signed delivery is
claimed, by its `X-GitHub-Delivery` id in a unique row, so a redelivery has no
effect however often GitHub sends it. A claim whose handling never finished (the
process died between the claim and the end) is taken again by a later redelivery:
every handler is idempotent, so acting twice is safe where acting never is not.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.db.base import utcnow
from mcc.deliveries import delivery_key, record_delivery
from mcc.models.project import Project
from mcc.models.webhook_delivery import WebhookDelivery
from mcc.security.errors import AuthError


class BadSignature(AuthError):
    code = "bad_signature"

    def __init__(self) -> None:
        super().__init__("the webhook signature is missing or wrong")


def signature_of(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def check_signature(secret: str | None, body: bytes, header: str | None) -> None:
    """Raise BadSignature unless `header` is the HMAC-SHA256 of `body` (constant time).

    Without a configured secret every delivery is refused: an unsigned hook is never trusted.
    """
    if not secret or not header:
        raise BadSignature()
    if not hmac.compare_digest(signature_of(secret, body).encode(), header.encode()):
        raise BadSignature()


# Handling answers within a second; a claim unfinished after this long was cut off.
CUT_OFF_AFTER = timedelta(seconds=60)


async def claim_delivery(session: AsyncSession, delivery_id: str, event: str) -> bool:
    """Record the delivery; False when it was seen before (then it must have no effect),
    unless its handling was cut off: then this caller takes the claim over."""
    if await record_delivery(session, "github", delivery_id, event):
        return True
    now = utcnow()
    taken = await session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.delivery_id == delivery_key(delivery_id),
            WebhookDelivery.handled_at.is_(None),
            WebhookDelivery.received_at < now - CUT_OFF_AFTER,
        )
        .values(received_at=now)
    )
    await session.commit()
    return bool(taken.rowcount == 1)  # type: ignore[attr-defined]


async def delivery_handled(session: AsyncSession, delivery_id: str) -> None:
    """The delivery's handling finished: a redelivery from now on is only a duplicate."""
    await session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.delivery_id == delivery_key(delivery_id))
        .values(handled_at=utcnow())
    )
    await session.commit()


async def project_of_repo(session: AsyncSession, full_name: str) -> Project | None:
    return await session.scalar(
        select(Project).where(Project.forge == "github", Project.github_repo == full_name)
    )


async def release_delivery(session: AsyncSession, delivery_id: str) -> None:
    """Forget a claim whose handling failed, so that GitHub's redelivery is acted on."""
    await session.execute(
        delete(WebhookDelivery).where(WebhookDelivery.delivery_id == delivery_key(delivery_id))
    )
    await session.commit()
