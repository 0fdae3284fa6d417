"""finish: the only way an agent ends its task."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mcc.agents.tools.base import Tool, ToolContext, ToolOutcome, ToolParams


class FinishParams(ToolParams):
    outcome: Literal["done", "blocked", "failed"] = Field(
        description="done: the task is complete; blocked: you need something; failed: you "
        "could not do it."
    )
    summary: str = Field(min_length=1, max_length=8000)


class Finish(Tool[FinishParams]):
    name = "finish"
    description = "End your task with its outcome and a short factual summary."
    params = FinishParams

    async def run(self, ctx: ToolContext, args: FinishParams) -> ToolOutcome:
        return ToolOutcome(f"finished: {args.outcome}", finish=(args.outcome, args.summary))
