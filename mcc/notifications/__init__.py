"""One way to tell the person something: `Notifications.notify(owner_id, Notification)`.

Channels sit behind the `Notifier` protocol (`in_app`, `telegram`); a new
channel is one module plus one line in `Runtime.notifications`.
"""

from mcc.notifications.base import Delivery, Notifier
from mcc.notifications.kinds import URGENT, Channel, Kind
from mcc.notifications.notification import Decision, Notification, StoredNotification
from mcc.notifications.service import Notifications

__all__ = [
    "URGENT",
    "Channel",
    "Decision",
    "Delivery",
    "Kind",
    "Notification",
    "Notifications",
    "Notifier",
    "StoredNotification",
]
