"""Agents answer when spoken to: a message to an agent that is not working lands in its
inbox and starts a short run in which it reads the message and replies."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from mcc.agents.roster import ensure_runnable
from mcc.conversations import open_conversation
from mcc.db.engine import Database
from mcc.errors import NotFound
from mcc.models.agent import Agent
from mcc.models.project import Project

WAKE = "wake"  # the tool artifact key that asks for an inbox run


def wake_artifact(agent_id: int, sender: str, content: str, key: str) -> dict[str, Any]:
    """What send_message returns when its recipient was idle (see `inbox_run`)."""
    return {WAKE: {"agent_id": agent_id, "sender": sender, "content": content, "key": key}}


PERSON = "the person"


def inbox_task(sender: str, content: str) -> str:
    if sender == PERSON:
        how = "Answer in your finish summary (the person reads it), briefly and concretely."
    else:
        how = (
            f"Answer {sender} with send_message (they read it at their next step), "
            "briefly and concretely, then call finish with what you answered."
        )
    return f"{sender} wrote to you while you were not working:\n\n{content}\n\n{how}"


@dataclass(frozen=True)
class InboxRun:
    """A short agent run to start (the caller starts the workflow from `params`)."""

    run_id: str
    params: dict[str, Any]  # AgentRunInput's fields


async def inbox_run(db: Database, wake: dict[str, Any], max_steps: int) -> InboxRun:
    """The run that lets the woken agent answer; its id comes from the message's key, so
    a retried delivery finds the same run instead of starting another."""
    async with db.sessions() as session:
        agent = await session.get(Agent, int(wake["agent_id"]))
        project = await session.get(Project, agent.project_id) if agent is not None else None
        if agent is None or project is None:
            raise NotFound("the agent to wake no longer exists")
        ensure_runnable(agent)
        digest = hashlib.sha1(str(wake["key"]).encode()).hexdigest()[:10]  # noqa: S324 - an id
        run_id = f"run/{project.slug}/{agent.name}/inbox-{digest}"
        title = f"{agent.name} answers {wake['sender']}"
        conversation = await open_conversation(
            session,
            project_id=project.id,
            agent_id=agent.id,
            kind="task",
            title=title,
            run_id=run_id,
        )
        params = {
            "run_id": run_id,
            "project_id": project.id,
            "agent_id": agent.id,
            "branch": f"mcc/{agent.name}/inbox-{digest}",
            "base": project.default_branch,
            "task": inbox_task(str(wake["sender"]), str(wake["content"])),
            "title": title,
            "max_steps": max_steps,
            "conversation_id": conversation.id,
        }
        return InboxRun(run_id, params)
