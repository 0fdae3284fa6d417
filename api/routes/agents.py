from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Query, Response, status

from api.agent_runs import start_agent_run
from api.deps import AgentDep, CurrentUser, RuntimeDep, SessionDep, TemporalDep
from api.held_runs import tell_runs_budget_changed
from api.schemas.agent import AgentCreate, AgentOut, AgentUpdate, RunCreate, RunOut
from api.schemas.error import ErrorOut, error_responses
from mcc.agents.budget_share import (
    agent_shares,
    remove_agent_share,
    set_agent_share,
)
from mcc.agents.overview import BudgetToday, glance
from mcc.agents.roles import Role
from mcc.agents.roster import AgentSpec, add_agent, list_agents, remove_agent
from mcc.budget.day import budget_day
from mcc.budget.pause import pause_state
from mcc.budget.store import BudgetStore
from mcc.budget.summary import levels_today
from mcc.db.base import utcnow
from mcc.events import project_room
from mcc.models.agent import Agent
from mcc.projects import get_project, list_projects
from mcc.runtime import Runtime

router = APIRouter(prefix="/agents", tags=["agents"])


async def agents_out(runtime: Runtime, owner_id: int, agents: list[Agent]) -> list[AgentOut]:
    """The REST items: each agent with its budget share, today's spend, status reason and
    whether its run is paused."""
    if not agents:
        return []
    settings = runtime.settings
    shares = await agent_shares(runtime.db, owner_id, settings.budget_default_daily_usd)
    today = budget_day(utcnow(), settings.budget_timezone)
    store = BudgetStore.of(runtime.db)
    pause = await pause_state(store, owner_id)
    levels = await levels_today(store, owner_id, today, settings.budget_default_daily_usd)
    budget = BudgetToday(paused=pause.paused, pause_reason=pause.reason, levels=levels)
    async with runtime.db.sessions() as session:
        glances = await glance(session, owner_id, agents, today, budget)
    out = []
    for agent in agents:
        share = shares.get((agent.project_id, agent.name))
        seen = glances[agent.id]
        view = AgentOut.model_validate(agent)
        out.append(
            view.model_copy(
                update={
                    "budget_share_pct": float(share) if share is not None else None,
                    "spent_today_usd": float(seen.spent_today_usd),
                    "status_reason": seen.status_reason,
                    "paused": seen.paused,
                }
            )
        )
    return out


ERRORS = error_responses(404, 409, 422, 503)


async def priced(runtime: Runtime, *models: str | None) -> None:
    """Refuse (422, UnknownModelPrice) a model with no known price: its calls could not be
    budgeted, so every run on it would stop at its first step. While the provider's list
    cannot be fetched, say so (503, PricesUnavailable) rather than guess either way."""
    for model in models:
        if model:
            await runtime.gateway.prices.price_of(model)


async def announce(runtime: Runtime, out: AgentOut) -> AgentOut:
    """`agent` to the project's room: other tabs add or update it without asking."""
    await runtime.events.emit("agent", out.model_dump(mode="json"), project_room(out.project_id))
    return out


@router.get("", response_model=list[AgentOut], responses={404: {"model": ErrorOut}})
async def list_all(
    session: SessionDep,
    user: CurrentUser,
    runtime: RuntimeDep,
    project_id: int | None = Query(default=None, ge=1, le=2_147_483_647),
) -> list[AgentOut]:
    """The agents of one project, or (without `project_id`) of every project of the user."""
    if project_id is not None:
        project = await get_project(session, project_id, owner_id=user.id)
        return await agents_out(runtime, user.id, await list_agents(session, project.id))
    agents = [
        agent
        for project in await list_projects(session, user.id)
        for agent in await list_agents(session, project.id)
    ]
    return await agents_out(runtime, user.id, agents)


@router.post("", response_model=AgentOut, status_code=status.HTTP_201_CREATED, responses=ERRORS)
async def create(
    body: AgentCreate, session: SessionDep, user: CurrentUser, runtime: RuntimeDep
) -> AgentOut:
    project = await get_project(session, body.project_id, owner_id=user.id)
    await priced(runtime, body.model)
    agent = await add_agent(
        session,
        project.id,
        AgentSpec(
            name=body.name,
            role=Role(body.role),
            model=body.model or runtime.settings.agent_default_model,
            temperature=body.temperature,
            max_tokens=body.max_tokens,
            rules=body.rules,
        ),
    )
    if body.budget_share_pct is not None:
        try:
            await set_agent_share(
                runtime.db,
                user.id,
                project.id,
                agent.name,
                Decimal(str(body.budget_share_pct)),
                runtime.settings.budget_default_daily_usd,
            )
        except Exception:
            # The agent and its share are one request: a refused share creates no agent.
            await remove_agent(session, agent)
            raise
    return await announce(runtime, (await agents_out(runtime, user.id, [agent]))[0])


@router.get("/{agent_id}", response_model=AgentOut, responses=ERRORS)
async def get_one(agent: AgentDep, user: CurrentUser, runtime: RuntimeDep) -> AgentOut:
    return (await agents_out(runtime, user.id, [agent]))[0]


@router.patch("/{agent_id}", response_model=AgentOut, responses=ERRORS)
async def update(
    body: AgentUpdate,
    agent: AgentDep,
    session: SessionDep,
    user: CurrentUser,
    runtime: RuntimeDep,
    temporal: TemporalDep,
) -> AgentOut:
    """Change an agent; its next task uses the new settings (rules are read per task)."""
    changes = body.model_dump(exclude_none=True)
    await priced(runtime, changes.get("model"), changes.get("fallback_model"))
    share = changes.pop("budget_share_pct", None)
    if share is not None:
        await set_agent_share(
            runtime.db,
            user.id,
            agent.project_id,
            agent.name,
            Decimal(str(share)),
            runtime.settings.budget_default_daily_usd,
        )
        await tell_runs_budget_changed(temporal.maybe_client, runtime.db, user.id)
    if changes.get("fallback_model") == "":
        changes["fallback_model"] = None
    if "fallback_model" in body.model_fields_set and body.fallback_model is None:
        changes["fallback_model"] = None
    for field, value in changes.items():
        setattr(agent, field, value)
    await session.commit()
    return await announce(runtime, (await agents_out(runtime, user.id, [agent]))[0])


@router.delete("/{agent_id}", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
async def delete(
    agent: AgentDep, session: SessionDep, user: CurrentUser, runtime: RuntimeDep
) -> Response:
    """Delete an idle agent (409 while it works: cancel its run first, so no work is cut off
    half-way); its conversations and branches stay, its budget share goes."""
    agent_id, project_id, name = agent.id, agent.project_id, agent.name
    await remove_agent(session, agent)
    await remove_agent_share(
        runtime.db, user.id, project_id, name, runtime.settings.budget_default_daily_usd
    )
    await runtime.events.emit(
        "agent_removed",
        {"agent_id": agent_id, "project_id": project_id},
        project_room(project_id),
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{agent_id}/runs",
    response_model=RunOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses=ERRORS,
)
async def give_task(
    body: RunCreate,
    agent: AgentDep,
    session: SessionDep,
    runtime: RuntimeDep,
    temporal: TemporalDep,
) -> RunOut:
    """Give the agent a task of its own (on a new branch), carried out by an AgentRunWorkflow."""
    project = await get_project(session, agent.project_id)
    title = body.title or body.task.strip().splitlines()[0][:120]
    run_id, conversation_id, branch = await start_agent_run(
        temporal.client, runtime.settings, session, project, agent, body.task, title
    )
    return RunOut(
        run_id=run_id,
        conversation_id=conversation_id,
        branch=branch,
        temporal_url=runtime.settings.temporal_run_url(run_id),
    )
