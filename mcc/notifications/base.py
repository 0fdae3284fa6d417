"""The seam every channel goes through: one `Notifier` per channel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from mcc.notifications.kinds import Channel
from mcc.notifications.notification import StoredNotification

DeliveryState = Literal["sent", "unlinked", "blocked", "failed"]


@dataclass(frozen=True)
class Delivery:
    """How one channel's attempt ended. Only `failed` may be tried again later."""

    state: DeliveryState
    detail: str | None = None


class Notifier(Protocol):
    channel: Channel

    async def send(self, note: StoredNotification) -> Delivery:
        """Deliver to the owner on this channel; never raises for the outside world's errors."""
        ...
