from __future__ import annotations

from fastapi import APIRouter, Query, Response, status

from api.agent_runs import start_agent_run
from api.deps import AgentDep, CurrentUser, RuntimeDep, SessionDep, TemporalDep
from api.schemas.agent import AgentCreate, AgentOut, AgentUpdate, RunCreate, RunOut
from api.schemas.error import ErrorOut, error_responses
from mcc.agents.roles import Role
from mcc.agents.roster import AgentSpec, add_agent, list_agents, remove_agent
from mcc.projects import get_project

router = APIRouter(prefix="/agents", tags=["agents"])
ERRORS = error_responses(404, 409)


@router.get("", response_model=list[AgentOut], responses={404: {"model": ErrorOut}})
async def list_all(
    session: SessionDep,
    user: CurrentUser,
    project_id: int = Query(ge=1, le=2_147_483_647),
) -> list[AgentOut]:
    project = await get_project(session, project_id, owner_id=user.id)
    return [AgentOut.model_validate(a) for a in await list_agents(session, project.id)]


@router.post("", response_model=AgentOut, status_code=status.HTTP_201_CREATED, responses=ERRORS)
async def create(
    body: AgentCreate, session: SessionDep, user: CurrentUser, runtime: RuntimeDep
) -> AgentOut:
    project = await get_project(session, body.project_id, owner_id=user.id)
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
    return AgentOut.model_validate(agent)


@router.get("/{agent_id}", response_model=AgentOut, responses=ERRORS)
async def get_one(agent: AgentDep) -> AgentOut:
    return AgentOut.model_validate(agent)


@router.patch("/{agent_id}", response_model=AgentOut, responses=ERRORS)
async def update(body: AgentUpdate, agent: AgentDep, session: SessionDep) -> AgentOut:
    """Change an agent; its next task uses the new settings (rules are read per task)."""
    for field, value in body.model_dump(exclude_none=True).items():
        setattr(agent, field, value)
    await session.commit()
    return AgentOut.model_validate(agent)


@router.delete("/{agent_id}", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
async def delete(agent: AgentDep, session: SessionDep) -> Response:
    await remove_agent(session, agent)
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
