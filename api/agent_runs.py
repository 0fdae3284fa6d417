"""Starting and steering agent runs from the API (the API's side of AgentRunWorkflow)."""

from __future__ import annotations

import contextlib
import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from api.orchestrator_runs import tell_orchestrator
from mcc.agents.roster import ensure_runnable
from mcc.config import Settings
from mcc.conversations import open_conversation
from mcc.models.agent import Agent
from mcc.models.conversation import Conversation
from mcc.models.project import Project
from mcc.orchestrator.conversation import KIND
from mcc.projects import ensure_not_archived
from workflows.agent_run import AgentRunWorkflow
from workflows.agent_run_payloads import AgentRunInput, UserMessage


async def start_agent_run(
    client: Client,
    settings: Settings,
    session: AsyncSession,
    project: Project,
    agent: Agent,
    task: str,
    title: str,
) -> tuple[str, int, str]:
    """Give `agent` a task on a new branch; returns (run id, conversation id, branch)."""
    ensure_not_archived(project)
    ensure_runnable(agent)
    short = uuid.uuid4().hex[:8]
    run_id = f"run/{project.slug}/{agent.name}/{short}"
    branch = f"mcc/{agent.name}/{short}"
    conversation = await open_conversation(
        session,
        project_id=project.id,
        agent_id=agent.id,
        kind="task",
        title=title,
        run_id=run_id,
    )
    await client.start_workflow(
        AgentRunWorkflow.run,
        AgentRunInput(
            run_id=run_id,
            project_id=project.id,
            agent_id=agent.id,
            branch=branch,
            base=project.default_branch,
            task=task,
            title=title,
            max_steps=settings.agent_max_steps,
            steps_per_history=settings.agent_steps_per_history,
            conversation_id=conversation.id,
        ),
        id=run_id,
        task_queue=settings.temporal_task_queue,
    )
    return run_id, conversation.id, branch


async def signal_run(client: Client, conversation: Conversation, signal: str) -> None:
    handle = client.get_workflow_handle(conversation.run_id or "")
    await handle.signal(signal)


async def notify_user_message(
    client: Client | None,
    conversation: Conversation,
    message_id: int,
    settings: Settings | None = None,
) -> None:
    """Tell the conversation's run that the person wrote (it reads it at its next step)."""
    if conversation.kind == KIND and conversation.owner_id is not None:
        if client is None or settings is None:
            return  # read at the orchestrator's next turn
        # The orchestrator's run is started on first use, so a message never waits unread.
        await tell_orchestrator(client, settings, conversation.owner_id, message_id)
        return
    if client is None or conversation.run_id is None or conversation.status != "open":
        return
    handle = client.get_workflow_handle(conversation.run_id)
    # A run that already ended cannot be signalled; the message stays in the conversation.
    with contextlib.suppress(Exception):
        await handle.signal(AgentRunWorkflow.user_message, UserMessage(message_id))
