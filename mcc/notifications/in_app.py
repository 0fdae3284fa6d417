"""The in-app channel: the row is already stored; this pushes it to the owner's open tabs."""

from __future__ import annotations

from mcc.events import EventSink, user_room
from mcc.notifications.base import Delivery
from mcc.notifications.kinds import Channel
from mcc.notifications.notification import StoredNotification


class InAppNotifier:
    channel = Channel.IN_APP

    def __init__(self, events: EventSink) -> None:
        self.events = events

    async def send(self, note: StoredNotification) -> Delivery:
        await self.events.emit("notification", note.event(), user_room(note.owner_id))
        return Delivery("sent")
