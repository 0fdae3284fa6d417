from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.text import FreeText


class PauseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: FreeText | None = Field(default=None, max_length=200)


class SystemStateOut(BaseModel):
    paused: bool = Field(description="Emergency pause: no LLM call starts while it is on.")
    since: datetime | None
    reason: str | None
    budget_day: date = Field(description="Today, in the budget time zone.")
    timezone: str
