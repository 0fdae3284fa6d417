from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class HealthOut(BaseModel):
    """`status` is about serving (database, Temporal: 503 when one is down); `sandbox` and
    `llm` say whether agents can work, with `problems` in sentences for the person."""

    status: Literal["ok", "degraded"]
    db: Literal["ok", "down"]
    temporal: Literal["ok", "down"]
    sandbox: Literal["ready", "missing", "broken", "off"]
    llm: Literal["configured", "not_configured"]
    problems: list[str]
