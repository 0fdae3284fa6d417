"""The budget tree: global → project share % → agent share %, and each level's limit in USD.

A level without a limit row is bounded only by the levels above it; the
global level always has a limit (the configured default until one is set), so
nothing can spend without bound.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from mcc.budget.money import allowance

Scope = Literal["global", "project", "agent"]
GLOBAL_KEY = "global"
_HUNDRED = Decimal(100)


def level_key(scope: Scope, project_id: int | None = None, agent: str | None = None) -> str:
    """The key of a level in limits and ledger rows: "global", "project:3", "agent:3:coder_1"."""
    if scope == "global":
        return GLOBAL_KEY
    if scope == "project":
        return f"project:{project_id}"
    return f"agent:{project_id}:{agent}"


@dataclass(frozen=True)
class Level:
    scope: Scope
    project_id: int | None = None
    agent: str | None = None

    @property
    def key(self) -> str:
        return level_key(self.scope, self.project_id, self.agent)


def levels_of(project_id: int | None, agent_name: str | None) -> tuple[Level, ...]:
    """The levels a call is charged to, top-down. An agent level exists only within a project."""
    levels = [Level("global")]
    if project_id is not None:
        levels.append(Level("project", project_id))
        if agent_name:
            levels.append(Level("agent", project_id, agent_name))
    return tuple(levels)


@dataclass(frozen=True)
class LimitRule:
    """What a budget_limits row says: a USD amount (global) or a share % (project, agent)."""

    daily_usd: Decimal | None = None
    share_pct: Decimal | None = None


def effective_limits(
    levels: Sequence[Level], rules: Mapping[str, LimitRule], default_daily_usd: Decimal
) -> dict[str, Decimal | None]:
    """Each level's limit in USD today (None: not limited on its own), by level key."""
    global_rule = rules.get(GLOBAL_KEY)
    global_limit = allowance(
        global_rule.daily_usd
        if global_rule is not None and global_rule.daily_usd is not None
        else default_daily_usd
    )
    limits: dict[str, Decimal | None] = {GLOBAL_KEY: global_limit}
    for level in levels:
        if level.scope == "global":
            continue
        rule = rules.get(level.key)
        parent = global_limit
        if level.scope == "agent":
            # An agent's share is of its project's limit, or of the global one if the
            # project has no share of its own.
            project_rule = rules.get(level_key("project", level.project_id))
            if project_rule is not None and project_rule.share_pct is not None:
                parent = allowance(global_limit * project_rule.share_pct / _HUNDRED)
        limits[level.key] = (
            allowance(parent * rule.share_pct / _HUNDRED)
            if rule is not None and rule.share_pct is not None
            else None
        )
    return limits
