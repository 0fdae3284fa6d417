"""Why an LLM call was not allowed to start.

`BudgetExceeded` answers 402 Payment Required rather than 429: a 429 means
"too many requests, retry shortly" (clients, proxies and our own LLM error
classifier retry it after `Retry-After`), while an exhausted budget clears only
when the person raises a limit or the budget day rolls over. `SystemPaused`
answers 423 Locked: the owner deliberately locked the system; nothing is
broken (not a 5xx) and nothing about the request conflicts (not a 409).
Neither is worth an automatic retry.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from mcc.errors import InvalidInput, MccError


class BudgetExceeded(MccError):
    """Reserving the call's worst-case cost would take a budget level past 100%."""

    code = "budget_exceeded"
    status = 402
    retryable = False

    def __init__(
        self,
        *,
        scope: str,
        level_key: str,
        day: date,
        current: Decimal,
        limit: Decimal,
        needed: Decimal,
        project_id: int | None = None,
        agent: str | None = None,
    ) -> None:
        where = {"global": "the global", "project": f"project {project_id}'s"}.get(
            scope, f"agent {agent}'s (project {project_id})"
        )
        super().__init__(
            f"{where} budget for {day.isoformat()} would be exceeded: "
            f"{current:.4f} of {limit:.4f} USD are spent or reserved and this call "
            f"may cost up to {needed:.4f} USD. Raise the limit or wait for the next day."
        )
        self.scope = scope
        self.level_key = level_key
        self.day = day
        self.current = current
        self.limit = limit
        self.needed = needed
        self.project_id = project_id
        self.agent = agent


class SystemPaused(MccError):
    """The emergency pause is on: no LLM call starts until it is lifted."""

    code = "system_paused"
    status = 423
    retryable = False

    def __init__(self) -> None:
        super().__init__("MCC is paused (emergency pause): resume it to let agents call the LLM")


class BudgetSharesExceeded(InvalidInput):
    """The shares of one level (projects of the global limit, agents of a project) pass 100%."""

    code = "budget_shares_exceeded"
