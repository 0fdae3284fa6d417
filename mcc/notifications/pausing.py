"""Turning the emergency pause on or off by hand (REST or socket), and telling the person."""

from __future__ import annotations

from mcc.budget.pause import PauseState, pause_state, set_paused
from mcc.budget.store import BudgetStore
from mcc.db.base import utcnow
from mcc.events import EventSink
from mcc.notifications.service import Notifications
from mcc.notifications.system import pause_notification


async def switch_pause(
    store: BudgetStore,
    events: EventSink,
    notifications: Notifications,
    owner_id: int,
    paused: bool,
    reason: str | None = None,
) -> PauseState:
    """Set the owner's pause; a change (not a repeat) is notified once."""
    was = await pause_state(store, owner_id)
    state = await set_paused(store, events, owner_id, paused, reason=reason)
    if was.paused != state.paused:
        since = state.since if paused and state.since else utcnow()
        await notifications.notify(
            owner_id, pause_notification(paused, since, state.reason if paused else was.reason)
        )
    return state
