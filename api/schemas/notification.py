from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mcc.notifications.kinds import Channel, Kind


class NotificationOut(BaseModel):
    id: int
    kind: str
    level: str = Field(description="info | warning | critical")
    title: str
    message: str
    link: str | None = Field(description="Where in the app it is about (a path).")
    urgent: bool = Field(description="Urgent kinds show a toast.")
    payload: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


class NotificationListOut(BaseModel):
    items: list[NotificationOut] = Field(description="Newest first.")
    unread: int


class ReadAllOut(BaseModel):
    marked: int


class PreferenceOut(BaseModel):
    kind: Kind
    channel: Channel
    enabled: bool


class PreferenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Kind
    channel: Channel
    enabled: bool


class TelegramLinkOut(BaseModel):
    state: Literal["linked", "blocked"]
    username: str | None
    linked_at: datetime
    detail: str | None = Field(description="Why the chat is blocked.")


class TelegramStateOut(BaseModel):
    bot_configured: bool
    token_source: Literal["environment", "settings"] | None
    problem: str | None = Field(
        default=None, description="Why the bot cannot be heard from (its polling keeps failing)."
    )
    link: TelegramLinkOut | None


# What @BotFather hands out: the bot's number, a colon, then letters, digits, - and _.
_BOT_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]+")


class TelegramTokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str | None = Field(
        default=None, max_length=200, description="The bot token from @BotFather; null removes it."
    )

    @field_validator("token")
    @classmethod
    def _shaped_like_a_bot_token(cls, token: str | None) -> str | None:
        """Refused before Telegram is asked: the token becomes part of the Bot API's URL."""
        token = (token or "").strip() or None
        if token is not None and _BOT_TOKEN.fullmatch(token) is None:
            raise ValueError(
                "this is not a bot token: @BotFather's look like 123456789:AAE... (the bot's"
                " number, a colon, then letters, digits, - and _)"
            )
        return token


class LinkCodeOut(BaseModel):
    code: str
    expires_at: datetime
    command: str = Field(description="What to send the bot: /start <code>.")
