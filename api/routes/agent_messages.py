"""The person speaks to an agent: into its running task, or (idle) into its inbox, which
starts a short run in which the agent reads the message and answers."""

from __future__ import annotations

import contextlib

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from api.agent_runs import notify_user_message
from api.deps import AgentDep, CurrentUser, RuntimeDep, SessionDep, TemporalDep
from api.schemas.text import FreeText
from mcc.agents.inbox import PERSON, inbox_run
from mcc.agents.roster import ensure_runnable
from mcc.conversations import MAX_USER_MESSAGE, inbox_of, post_user_message
from mcc.models.conversation import Conversation
from workflows.agent_run import AgentRunWorkflow
from workflows.agent_run_payloads import AgentRunInput

router = APIRouter(prefix="/agents", tags=["agents"])


class AgentMessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content: FreeText = Field(min_length=1, max_length=MAX_USER_MESSAGE)


class AgentMessageOut(BaseModel):
    conversation_id: int = Field(description="Where the message went.")
    message_id: int
    woke_run_id: str | None = Field(description="The short run started to answer, if any.")


@router.post("/{agent_id}/messages", response_model=AgentMessageOut, status_code=201)
async def message_agent(
    body: AgentMessageIn,
    agent: AgentDep,
    session: SessionDep,
    user: CurrentUser,
    runtime: RuntimeDep,
    temporal: TemporalDep,
) -> AgentMessageOut:
    ensure_runnable(agent)  # before the message is kept: no run would ever read it
    working = await session.scalar(
        select(Conversation)
        .where(
            Conversation.agent_id == agent.id,
            Conversation.kind == "task",
            Conversation.status == "open",
        )
        .order_by(Conversation.id.desc())
    )
    target = working or await inbox_of(session, agent.project_id, agent.id, agent.name)
    message = await post_user_message(session, runtime.events, target, user.id, body.content)
    client = temporal.maybe_client
    if working is not None:
        await notify_user_message(client, working, message.id)
        return AgentMessageOut(conversation_id=target.id, message_id=message.id, woke_run_id=None)
    if client is None:  # kept in the inbox; the agent reads it at its next task
        return AgentMessageOut(conversation_id=target.id, message_id=message.id, woke_run_id=None)
    wake = {
        "agent_id": agent.id,
        "sender": PERSON,
        "content": body.content,
        "key": f"user-message/{message.id}",
    }
    run = await inbox_run(runtime.db, wake, runtime.settings.agent_inbox_max_steps)
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await client.start_workflow(
            AgentRunWorkflow.run,
            AgentRunInput(**run.params),
            id=run.run_id,
            task_queue=runtime.settings.temporal_task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
    return AgentMessageOut(conversation_id=target.id, message_id=message.id, woke_run_id=run.run_id)
