"""What a person sees of each agent at a glance: why it is in its status, and what it spent today."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.agents.roles import PROJECT_ROLES, cannot_run
from mcc.budget.money import ZERO, usd, usd_of_sum
from mcc.budget.summary import LevelSpend
from mcc.models.agent import Agent
from mcc.models.conversation import Conversation
from mcc.models.token_usage import TokenUsage

# How a run that left its agent in error ended, in words (the outcomes of steps.end).
_ENDED = {
    "needs_attention": "Its last run needs your attention",
    "failed": "Its last run failed",
}


@dataclass(frozen=True)
class AgentGlance:
    spent_today_usd: Decimal
    status_reason: str | None
    paused: bool = False  # its run is paused by the person


@dataclass(frozen=True)
class BudgetToday:
    """What stops agents today beyond their own state: the emergency pause, spent limits."""

    paused: bool = False
    pause_reason: str | None = None
    levels: Sequence[LevelSpend] = field(default_factory=tuple)


def status_reason(
    status: str,
    current_task: str | None,
    outcome: str | None,
    summary: str | None,
    *,
    paused: bool = False,
) -> str | None:
    """Why the agent is in `status`, in a sentence (None for an idle agent: nothing to explain).
    A working agent whose run the person paused says so: it holds its task but does nothing."""
    if status == "working":
        task = current_task or "a task"
        if paused:
            return f"Paused (resume it in its conversation): {task}"
        return f"Working on: {current_task}" if current_task else "Working on a task"
    if status == "error":
        said = _ENDED.get(outcome or "", "Its last run did not finish")
        first_line = (summary or "").strip().splitlines()[0:1]
        return f"{said}: {first_line[0][:200]}" if first_line else f"{said}."
    return None


def _spent(level: LevelSpend) -> bool:
    return level.limit_usd is not None and level.spent_usd >= level.limit_usd


def budget_hold(budget: BudgetToday, project_id: int, name: str) -> str | None:
    """Why the agent cannot spend today (the first level that stops it), or None."""
    if budget.paused:
        why = f": {budget.pause_reason}" if budget.pause_reason else ""
        return f"Held by the emergency pause{why}"
    for level in budget.levels:
        if not _spent(level):
            continue
        amounts = f"({usd(level.spent_usd)} of {usd(level.limit_usd or ZERO)})"
        if level.scope == "global":
            return f"Today's budget is used up {amounts}"
        if level.scope == "project" and level.project_id == project_id:
            return f"Its project's budget for today is used up {amounts}"
        if level.scope == "agent" and (level.project_id, level.agent) == (project_id, name):
            return f"Its share of today's budget is used up {amounts}"
    return None


async def glance(
    session: AsyncSession,
    owner_id: int,
    agents: Sequence[Agent],
    today: date,
    budget: BudgetToday | None = None,
) -> dict[int, AgentGlance]:
    """Each agent's spend on budget day `today`, the reason for its status and whether the
    person paused its run (up to three queries: spend, the failed agents' last runs, the
    working agents' paused runs)."""
    if not agents:
        return {}
    budget = budget or BudgetToday()
    projects = {agent.project_id for agent in agents}
    spent = {
        (row.project_id, row.agent_name): usd_of_sum(row.cost)
        for row in await session.execute(
            select(
                TokenUsage.project_id,
                TokenUsage.agent_name,
                func.sum(TokenUsage.cost_usd).label("cost"),
            )
            .where(
                TokenUsage.owner_id == owner_id,
                TokenUsage.day == today,
                TokenUsage.project_id.in_(projects),
            )
            .group_by(TokenUsage.project_id, TokenUsage.agent_name)
        )
    }
    failing = [agent.id for agent in agents if agent.status == "error"]
    last_run: dict[int, tuple[str | None, str | None]] = {}
    if failing:
        latest = (
            select(func.max(Conversation.id))
            .where(Conversation.agent_id.in_(failing), Conversation.status == "finished")
            .group_by(Conversation.agent_id)
        )
        rows = await session.execute(
            select(Conversation.agent_id, Conversation.outcome, Conversation.summary).where(
                Conversation.id.in_(latest)
            )
        )
        for row in rows:
            if row.agent_id is not None:
                last_run[row.agent_id] = (row.outcome, row.summary)

    working = [agent.id for agent in agents if agent.status == "working"]
    held_by_person: set[int] = set()
    if working:
        held_by_person = {
            agent_id
            for agent_id in await session.scalars(
                select(Conversation.agent_id).where(
                    Conversation.agent_id.in_(working),
                    Conversation.status == "open",
                    Conversation.paused.is_(True),
                )
            )
            if agent_id is not None
        }

    def reason(agent: Agent) -> str | None:
        if agent.role not in PROJECT_ROLES:
            return cannot_run(agent.name)  # whatever else holds it, this is what to fix
        # A failed run explains itself first; otherwise what stops the agent spending today.
        if agent.status != "error":
            held = budget_hold(budget, agent.project_id, agent.name)
            if held is not None:
                return held
        return status_reason(
            agent.status,
            agent.current_task,
            *last_run.get(agent.id, (None, None)),
            paused=agent.id in held_by_person,
        )

    return {
        agent.id: AgentGlance(
            spent_today_usd=spent.get((agent.project_id, agent.name), ZERO),
            status_reason=reason(agent),
            paused=agent.id in held_by_person,
        )
        for agent in agents
    }
