"""GitHub webhook deliveries: the signature check and the once-only claim.

The signature is checked over the raw body before anything is parsed or stored
(docs.github.com, "Validating webhook deliveries"); only a signed delivery is
claimed, by its `X-GitHub-Delivery` id in a unique row, so a redelivery has no
effect however often GitHub sends it.
"""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

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


async def claim_delivery(session: AsyncSession, delivery_id: str, event: str) -> bool:
    """Record the delivery; False when it was seen before (then it must have no effect)."""
    session.add(WebhookDelivery(source="github", delivery_id=delivery_id[:100], event=event[:64]))
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        return False
    return True


async def project_of_repo(session: AsyncSession, full_name: str) -> Project | None:
    return await session.scalar(
        select(Project).where(Project.forge == "github", Project.github_repo == full_name)
    )


async def release_delivery(session: AsyncSession, delivery_id: str) -> None:
    """Forget a claim whose handling failed, so that GitHub's redelivery is acted on."""
    await session.execute(
        delete(WebhookDelivery).where(WebhookDelivery.delivery_id == delivery_id[:100])
    )
    await session.commit()
