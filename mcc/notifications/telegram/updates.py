"""What the bot is told: `/start <code>` links a chat; an Approve/Reject press is a decision.

A press counts only from the chat linked to the notification's owner, and only
once per message (claimed in the database before the decision is made); the
decision itself goes through the same code as the dashboard's buttons, so the
run's own rules (one decision per round) apply too. A press that finds the
question already answered gets "already decided".
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.db.base import utcnow
from mcc.db.engine import Database
from mcc.errors import Conflict, MccError
from mcc.models.notification import Notification as NotificationRow
from mcc.models.telegram import TelegramMessage
from mcc.notifications.notification import Decision
from mcc.notifications.store import stored
from mcc.notifications.telegram.api import BotApi, TelegramError
from mcc.notifications.telegram.channel import APPROVE, REJECT
from mcc.notifications.telegram.links import owner_of_chat, redeem_link_code

log = logging.getLogger(__name__)

ALREADY_DECIDED = "Already decided."
REJECT_FEEDBACK = "Rejected from Telegram."


class Decide(Protocol):
    async def __call__(self, owner_id: int, decision: Decision, approve: bool) -> None:
        """Approve or reject the run; raises Conflict when it is not awaiting that decision."""
        ...


class TelegramUpdates:
    def __init__(self, db: Database, decide: Decide) -> None:
        self.db = db
        self.decide = decide

    async def handle(self, api: BotApi, update_: dict[str, Any]) -> None:
        if "callback_query" in update_:
            await self._press(api, update_["callback_query"])
        elif "message" in update_:
            await self._message(api, update_["message"])

    async def _message(self, api: BotApi, message: dict[str, Any]) -> None:
        text = str(message.get("text") or "").strip()
        chat_id = int(message["chat"]["id"])
        if not text.startswith("/start"):
            return
        parts = text.split(maxsplit=1)
        if len(parts) < 2:
            await api.send_message(chat_id, "Send /start with the code shown in MCC's settings.")
            return
        username = (message.get("from") or {}).get("username")
        async with self.db.sessions() as session:
            owner_id = await redeem_link_code(session, parts[1], chat_id, username)
        if owner_id is None:
            await api.send_message(
                chat_id, "That code is unknown, used or expired: get a new one in MCC's settings."
            )
            return
        await api.send_message(chat_id, "Linked: MCC will tell you here what needs you.")

    async def _press(self, api: BotApi, query: dict[str, Any]) -> None:
        answer, settled = await self._decide(query)
        message = query.get("message") or {}
        try:
            if settled and "message_id" in message:
                # The question is answered: its buttons go (a second press is harmless anyway).
                await api.edit_message_reply_markup(
                    int(message["chat"]["id"]), int(message["message_id"])
                )
            await api.answer_callback_query(str(query["id"]), answer)
        except TelegramError as exc:
            log.info("could not answer a button press: %s", exc.message)

    async def _decide(self, query: dict[str, Any]) -> tuple[str, bool]:
        """The answer shown to the presser, and whether the question is settled now."""
        action, _, raw_id = str(query.get("data") or "").partition(":")
        message = query.get("message") or {}
        chat_id = int((message.get("chat") or {}).get("id") or 0)
        sender = int((query.get("from") or {}).get("id") or 0)
        if action not in (APPROVE, REJECT) or not raw_id.isdigit():
            return "Unknown button.", False
        async with self.db.sessions() as session:
            owner_id = await owner_of_chat(session, chat_id)
            row = await session.get(NotificationRow, int(raw_id))
            # Private chats have the person's id as the chat id: anyone else is refused.
            if owner_id is None or sender != chat_id or row is None or row.owner_id != owner_id:
                return "Only the linked owner can decide this.", False
            note = stored(row)
            decision = note.decision
            if decision is None:
                return "Nothing to decide here.", False
            if not await _claim(session, row.id, chat_id, action):
                return ALREADY_DECIDED, True
        approve = action == APPROVE
        try:
            await self.decide(owner_id, decision, approve)
        except Conflict:
            return ALREADY_DECIDED, True
        except MccError as exc:
            # Not decided (e.g. Temporal unreachable): the button works again.
            async with self.db.sessions() as session:
                await _release(session, row.id, chat_id)
            return exc.message[:190], False
        if note.payload.get("gate") == "spec":
            return ("Approved: coding starts." if approve else "Rejected: back to planning."), True
        return ("Approved: merging." if approve else "Rejected: sent back to the agents."), True


async def _claim(session: AsyncSession, notification_id: int, chat_id: int, action: str) -> bool:
    result = await session.execute(
        update(TelegramMessage)
        .where(
            TelegramMessage.notification_id == notification_id,
            TelegramMessage.chat_id == chat_id,
            TelegramMessage.decided_at.is_(None),
        )
        .values(decided_at=utcnow(), decision=action)
    )
    await session.commit()
    return bool(result.rowcount >= 1)  # type: ignore[attr-defined]


async def _release(session: AsyncSession, notification_id: int, chat_id: int) -> None:
    await session.execute(
        update(TelegramMessage)
        .where(
            TelegramMessage.notification_id == notification_id,
            TelegramMessage.chat_id == chat_id,
        )
        .values(decided_at=None, decision=None)
    )
    await session.commit()


async def decided(session: AsyncSession, notification_id: int) -> str | None:
    return await session.scalar(
        select(TelegramMessage.decision).where(TelegramMessage.notification_id == notification_id)
    )
