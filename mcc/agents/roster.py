"""Creating, changing and removing a project's agents."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.agents.roles import DEFAULT_ROSTER, PROJECT_ROLES, Role, cannot_run
from mcc.errors import Conflict, InvalidInput, NotFound
from mcc.models.agent import Agent
from mcc.ownership import owns_project


@dataclass(frozen=True)
class AgentSpec:
    name: str
    role: Role
    model: str
    temperature: float = 0.2
    max_tokens: int = 4096
    rules: str = ""


def default_agents(project_id: int, model: str) -> list[Agent]:
    return [
        Agent(
            project_id=project_id,
            name=name,
            role=role.value,
            model=model,
            temperature=0.2,
            max_tokens=4096,
            rules="",
            status="idle",
        )
        for name, role in DEFAULT_ROSTER
    ]


def check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100 or not all(c.isalnum() or c in "_-" for c in name):
        raise InvalidInput("an agent's name uses letters, digits, '_' and '-' (1-100)")
    return name


async def list_agents(session: AsyncSession, project_id: int) -> list[Agent]:
    rows = await session.scalars(
        select(Agent).where(Agent.project_id == project_id).order_by(Agent.id)
    )
    return list(rows.all())


async def get_agent(session: AsyncSession, agent_id: int, owner_id: int | None = None) -> Agent:
    """The agent; with `owner_id`, only if that user owns its project (else the same 404)."""
    agent = await session.get(Agent, agent_id)
    if agent is None or (
        owner_id is not None and not await owns_project(session, agent.project_id, owner_id)
    ):
        raise NotFound(f"agent {agent_id} not found")
    return agent


async def add_agent(session: AsyncSession, project_id: int, spec: AgentSpec) -> Agent:
    agent = Agent(
        project_id=project_id,
        name=check_name(spec.name),
        role=spec.role.value,
        model=spec.model,
        temperature=spec.temperature,
        max_tokens=spec.max_tokens,
        rules=spec.rules,
        status="idle",
    )
    session.add(agent)
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise Conflict(f"an agent named {spec.name!r} already exists in this project") from exc
    return agent


async def remove_agent(session: AsyncSession, agent: Agent) -> None:
    if agent.status == "working":
        raise Conflict(f"{agent.name} is working on {agent.current_task}; cancel that run first")
    await session.delete(agent)
    await session.commit()


def ensure_runnable(agent: Agent) -> None:
    """Refuse (422) a run of an agent holding the orchestrator's role (an earlier release
    allowed one; the API's schema refuses it): it has only the person's assistant's tools,
    none of which works in a project, and no `finish`, so each run would spend its whole
    step limit."""
    if agent.role not in PROJECT_ROLES:
        raise InvalidInput(cannot_run(agent.name))
