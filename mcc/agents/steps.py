"""One agent run, step by step: what the AgentRunWorkflow's activities do.

Every write is keyed by the run id and the step (and the tool call's index), so
a step retried after a crash finds its own earlier result instead of repeating
it: an LLM answer that was stored is returned without calling (or paying) again.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.agents.context import ContextLimits, fit_context
from mcc.agents.loop_guard import AgentStuck, judge
from mcc.agents.memory import long_term_memory
from mcc.agents.prompts import rule_files, system_prompt
from mcc.agents.roles import LONG_TERM_MEMORY, MAY_MESSAGE, Role
from mcc.agents.roster import list_agents
from mcc.agents.status_event import AgentStatus, emit_agent_status
from mcc.agents.tools.base import ToolContext
from mcc.agents.tools.registry import execute, tool_specs
from mcc.conversations import (
    NOTICE,
    NewMessage,
    by_key,
    conversation_event,
    messages_of,
    post_message,
    read_by_model,
)
from mcc.errors import NotFound
from mcc.events import conversation_room, project_room
from mcc.issues import usage_of
from mcc.llm.caching import takes_cache_breakpoints
from mcc.llm.gateway import GatewayCall, GatewayResult
from mcc.llm.types import ChatMessage, ToolCall
from mcc.models.agent import Agent
from mcc.models.conversation import Conversation
from mcc.models.issue import Issue
from mcc.models.message import Message
from mcc.models.project import Project
from mcc.notifications.kinds import Kind
from mcc.notifications.notification import Notification
from mcc.phases import PERCENT, Phase
from mcc.runtime import Runtime
from mcc.workspace.workspace import Workspace

REMINDER = "Continue with your tools. When the task is complete, call finish(outcome, summary)."


@dataclass(frozen=True)
class RunScope:
    """Which run this is, and where it works."""

    run_id: str
    project_id: int
    agent_id: int
    conversation_id: int
    branch: str
    base: str
    issue_number: int | None = None
    # What diffs compare with (a reviewer's branch starts at the issue branch but
    # reviews everything since the default branch); `base` when unset.
    diff_base: str | None = None


@dataclass(frozen=True)
class StepReply:
    tool_calls: list[str]  # the names, in order; run_tool is called once per index
    content: str
    finish_reason: str | None
    cost_usd: float = 0.0


@dataclass(frozen=True)
class ToolReply:
    name: str
    error: bool
    finish: list[str] | None = None  # [outcome, summary]
    artifact: dict[str, Any] = field(default_factory=dict)


def worktree_name(agent_name: str, run_id: str) -> str:
    """`agent_{name}/{run}`: one worktree per run, so one agent can work on several
    issues at once without switching branches under its own feet."""
    digest = hashlib.sha1(run_id.encode()).hexdigest()[:10]  # noqa: S324 - a name, not security
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "-", run_id.rsplit("/", 1)[-1])[:40]
    return f"agent_{agent_name}/{readable}-{digest}"


def _llm_key(run_id: str, step: int) -> str:
    return f"{run_id}/llm/{step}"


def _tool_key(run_id: str, step: int, index: int) -> str:
    return f"{run_id}/tool/{step}/{index}"


def chat_message(message: Message) -> ChatMessage:
    if message.role == "assistant":
        calls = [
            ToolCall(
                id=c["id"],
                name=c["name"],
                arguments_json=c.get("arguments", "{}"),
                arguments=None,
            )
            for c in (message.tool_calls or [])
        ]
        return ChatMessage(role="assistant", content=message.content or None, tool_calls=calls)
    if message.role == "tool":
        return ChatMessage(role="tool", content=message.content, tool_call_id=message.tool_call_id)
    return ChatMessage(role=message.role, content=message.content)


def answer_message(
    result: GatewayResult, conversation_id: int, author: str, key: str, model: str
) -> NewMessage:
    """The assistant message that stores a charged LLM step's answer (once per `key`)."""
    answer = result.chat
    if answer is None:
        # Only a call settled before answers were kept (an older install) lands here.
        raise NotFound("the step's answer was charged but not kept; it cannot be replayed")
    calls = [{"id": c.id, "name": c.name, "arguments": c.arguments_json} for c in answer.tool_calls]
    return NewMessage(
        conversation_id=conversation_id,
        author=author,
        role="assistant",
        content=answer.content or "",
        tool_calls=calls or None,
        tokens_in=result.usage.tokens_in,
        tokens_out=result.usage.tokens_out,
        cost_usd=result.usage.cost_usd,
        idempotency_key=key,
        meta={
            "model": model,
            "finish_reason": answer.finish_reason,
            "cached_tokens": answer.usage.cached_tokens if answer.usage else 0,
        },
    )


def reply_of(message: Message) -> StepReply:
    return StepReply(
        tool_calls=[c["name"] for c in (message.tool_calls or [])],
        content=message.content,
        finish_reason=(message.meta or {}).get("finish_reason"),
        cost_usd=float(message.cost_usd),
    )


def tool_reply_of(message: Message) -> ToolReply:
    meta = message.meta or {}
    return ToolReply(
        name=meta.get("tool", ""),
        error=bool(meta.get("error")),
        finish=meta.get("finish"),
        artifact=meta.get("artifact") or {},
    )


def _run_stopped(scope: RunScope, title: str, outcome: str, summary: str) -> Notification:
    """A run outside an issue that could not finish: what it was and why, once."""
    return Notification(
        Kind.NEEDS_ATTENTION,
        f"{scope.run_id}/stopped",
        f"{title} needs your attention",
        summary.strip()[:500] or f"The run ended {outcome} without a message.",
        level="warning",
        link=f"/projects/{scope.project_id}/conversations/{scope.conversation_id}",
        data={"project_id": scope.project_id, "run_id": scope.run_id, "outcome": outcome},
    )


# How a run that could not finish ended, in the words its conversation shows.
_STOPPED = {"needs_attention": "This run needs your attention", "failed": "This run failed"}


def _why_it_stopped(scope: RunScope, outcome: str, summary: str) -> NewMessage:
    """The reason a run could not finish, in its conversation for the person to read: a
    notice, which no model is sent (the reason is MCC's, not the task's), written once."""
    reason = summary.strip() or "no reason was given."
    return NewMessage(
        conversation_id=scope.conversation_id,
        author="system",
        role=NOTICE,
        content=f"{_STOPPED.get(outcome, f'This run ended {outcome}')}: {reason}",
        idempotency_key=f"{scope.run_id}/why-stopped",
        meta={"outcome": outcome},
    )


def _opening(scope: RunScope, role: str, content: str, key: str) -> NewMessage:
    """A run's system prompt or its task: each written once, under its own key."""
    return NewMessage(
        conversation_id=scope.conversation_id,
        author="system",
        role=role,
        content=content,
        idempotency_key=f"{scope.run_id}/{key}",
    )


class AgentSteps:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def _load(self, session: AsyncSession, scope: RunScope) -> tuple[Project, Agent]:
        project = await session.get(Project, scope.project_id)
        agent = await session.get(Agent, scope.agent_id)
        if project is None or agent is None:
            raise NotFound("the run's project or agent no longer exists")
        return project, agent

    async def _status(
        self,
        agent_id: int,
        name: str,
        scope: RunScope,
        status: str,
        task: str | None,
        outcome: str | None = None,
        summary: str | None = None,
    ) -> None:
        await emit_agent_status(
            self.runtime.events,
            AgentStatus(
                agent_id,
                name,
                scope.project_id,
                scope.conversation_id,
                status,
                task,
                outcome,
                summary,
            ),
        )

    async def start(self, scope: RunScope, task: str, title: str) -> None:
        """Prepare the worktree and write the prompt and the task (once)."""
        async with self.runtime.db.sessions() as session:
            project, agent = await self._load(session, scope)
            role = Role(agent.role)
            worktree = await self.runtime.repos.ensure_worktree(
                scope.project_id,
                worktree_name(agent.name, scope.run_id),
                scope.branch,
                scope.base,
            )
            if await by_key(session, f"{scope.run_id}/system") is None:
                memory = None
                if role in LONG_TERM_MEMORY:
                    memory = await long_term_memory(session, project.id, agent.id)
                roster = await list_agents(session, project.id)
                peers = [
                    f"{a.name} ({a.role})"
                    for a in roster
                    if a.id != agent.id and Role(a.role) in MAY_MESSAGE[role]
                ]
                prompt = system_prompt(
                    name=agent.name,
                    role=role,
                    project=project.name,
                    files=rule_files(worktree, role),
                    own_rules=agent.rules,
                    memory=memory,
                    peers=peers,
                )
                await post_message(
                    session, self.runtime.events, _opening(scope, "system", prompt, "system")
                )
            # Outside the check above: each message commits on its own, and a process that
            # dies between the two leaves the prompt without the task, which the retry
            # must still write.
            await post_message(session, self.runtime.events, _opening(scope, "user", task, "task"))
            reopened = await self._reopen(session, scope)
            agent.status, agent.current_task = "working", title[:300]
            await session.commit()
            if reopened is not None:
                await self.runtime.events.emit(
                    "conversation", conversation_event(reopened), project_room(scope.project_id)
                )
            await self._status(agent.id, agent.name, scope, "working", agent.current_task)

    async def _reopen(self, session: AsyncSession, scope: RunScope) -> Conversation | None:
        """A run carried out again from its start (a Reset in the Temporal UI) makes its
        finished conversation live again, so the outcome it ends with is the one kept; the
        earlier end stays readable in its messages. None when it was live already."""
        conversation = await session.get(Conversation, scope.conversation_id)
        if conversation is None or conversation.status != "finished":
            return None
        conversation.status, conversation.outcome, conversation.summary = "open", None, None
        return conversation

    async def llm_step(self, scope: RunScope, step: int, attempt: int = 1) -> StepReply:
        """Ask the agent's model for the next step; `attempt` counts tries of this step.

        Retries (provider failures; budget refusals end an attempt without
        counting) past `agent_fallback_after_failures` go to the agent's fallback
        model, if it has one, which the conversation is told.
        """
        key = _llm_key(scope.run_id, step)
        async with self.runtime.db.sessions() as session:
            project, agent = await self._load(session, scope)
            history = await messages_of(session, scope.conversation_id, limit=10_000)
            owner_id = project.owner_id
        # The step's own answer, once stored, is in its conversation like any message.
        stored = next((m for m in history if m.idempotency_key == key), None)
        if stored is not None:
            return reply_of(stored)
        history = [m for m in history if read_by_model(m)]
        # The prompt leads even if the person wrote before the run had started.
        history.sort(key=lambda m: (m.role != "system", m.id))
        chat = [chat_message(m) for m in history]
        if history and history[-1].role == "assistant" and not history[-1].tool_calls:
            chat.append(ChatMessage(role="user", content=REMINDER))
        verdict = judge(history)
        if verdict.kind == "stuck":
            raise AgentStuck(verdict.text)
        notes: list[tuple[str, str, dict[str, Any]]] = []
        if verdict.kind == "note":
            notes.append((f"{scope.run_id}/guard/{step}", verdict.text, {"loop_guard": True}))
        model = agent.model
        failures = attempt - 1
        if agent.fallback_model and failures >= self.runtime.settings.agent_fallback_after_failures:
            model = agent.fallback_model
            text = (
                f"[{agent.model} failed {failures} times in a row at the provider; "
                f"this step uses the fallback model {agent.fallback_model}.]"
            )
            notes.append((f"{scope.run_id}/fallback/{step}", text, {"fallback_model": model}))
        for note_key, text, meta in notes:
            note = await self._note(scope, note_key, text, meta)
            if all(m.idempotency_key != note_key for m in history):
                chat.append(chat_message(note))
        specs = tool_specs(Role(agent.role))
        window = await self.runtime.gateway.context_window(model)
        fitted = fit_context(
            chat, ContextLimits(window_tokens=window, max_tokens=agent.max_tokens), specs
        )

        async def stream(delta: str) -> None:
            await self.runtime.events.emit(
                "message_delta",
                {
                    "conversation_id": scope.conversation_id,
                    "step": step,
                    "delta": delta,
                    "author": f"agent:{agent.name}",
                },
                conversation_room(scope.conversation_id),
            )

        result = await self.runtime.gateway.call(
            GatewayCall(
                owner_id=owner_id or 0,
                model=model,
                messages=fitted.messages,
                max_tokens=fitted.max_tokens,
                idempotency_key=key,
                agent_name=agent.name,
                agent_type=agent.role,
                project_id=scope.project_id,
                tools=specs,
                temperature=agent.temperature,
                conversation_id=scope.conversation_id,
                task_id=scope.run_id,
                on_delta=stream,
                cache_prefix=fitted.head if takes_cache_breakpoints(model) else 0,
            )
        )
        async with self.runtime.db.sessions() as session:
            message, _ = await post_message(
                session,
                self.runtime.events,
                answer_message(result, scope.conversation_id, f"agent:{agent.name}", key, model),
                insert_first=True,
            )
        await self._issue_progress(scope, agent, step)
        return reply_of(message)

    async def _note(self, scope: RunScope, key: str, content: str, meta: dict[str, Any]) -> Message:
        """A note from MCC to the agent in its conversation (once per key), e.g. a loop-guard warning."""
        async with self.runtime.db.sessions() as session:
            message, _ = await post_message(
                session,
                self.runtime.events,
                NewMessage(
                    conversation_id=scope.conversation_id,
                    author="system",
                    role="user",
                    content=content,
                    idempotency_key=key,
                    meta=meta,
                ),
            )
        return message

    async def _issue_progress(self, scope: RunScope, agent: Agent, step: int) -> None:
        """Each agent step of an issue's run is progress of that issue: `task_progress`
        with the issue's stored phase (stored before shown), who is at which step, and the
        issue's spend and tokens now that the step's call is charged (shown live)."""
        if scope.issue_number is None:
            return
        async with self.runtime.db.sessions() as session:
            issue = await session.scalar(
                select(Issue).where(
                    Issue.project_id == scope.project_id, Issue.number == scope.issue_number
                )
            )
            if issue is None:
                return
            usage = await usage_of(session, issue)
        phase = Phase(issue.phase)
        await self.runtime.events.emit(
            "task_progress",
            {
                "task_id": issue.workflow_id,
                "percent": PERCENT.get(phase, 0),
                "status": phase.value,
                "project_id": scope.project_id,
                "issue_number": scope.issue_number,
                "agent": agent.name,
                "step": step,
                "spend_usd": format(usage.spend_usd, "f"),  # never "0E-10"
                "tokens": usage.tokens,
            },
            project_room(scope.project_id),
        )

    async def run_tool(self, scope: RunScope, step: int, index: int) -> ToolReply:
        key, asked = _tool_key(scope.run_id, step, index), _llm_key(scope.run_id, step)
        async with self.runtime.db.sessions() as session:
            found = {
                m.idempotency_key: m
                for m in await session.scalars(
                    select(Message).where(Message.idempotency_key.in_([key, asked]))
                )
            }
            agent = await session.get(Agent, scope.agent_id)
        if key in found:
            return tool_reply_of(found[key])
        assistant = found.get(asked)
        if assistant is None or not assistant.tool_calls or index >= len(assistant.tool_calls):
            raise NotFound(f"step {step} has no tool call {index}")
        if agent is None:
            raise NotFound("the run's agent no longer exists")
        call = assistant.tool_calls[index]
        worktree = self.runtime.repos.worktree(
            scope.project_id, worktree_name(agent.name, scope.run_id)
        )
        await self.runtime.repos.clear_stale_lock(worktree)
        ctx = ToolContext(
            project_id=scope.project_id,
            agent_id=agent.id,
            agent_name=agent.name,
            role=Role(agent.role),
            run_id=scope.run_id,
            conversation_id=scope.conversation_id,
            worktree=worktree,
            base_ref=scope.diff_base or scope.base,
            workspace=Workspace(worktree),
            sandbox=self.runtime.sandbox,
            git=self.runtime.repos.git,
            db=self.runtime.db,
            events=self.runtime.events,
            call_key=key,
            issue_number=scope.issue_number,
        )
        outcome = await execute(ctx, call["name"], call.get("arguments", "{}"))
        meta = {
            "tool": call["name"],
            "error": outcome.error,
            "finish": list(outcome.finish) if outcome.finish else None,
            "artifact": outcome.artifact or None,
        }
        async with self.runtime.db.sessions() as session:
            message, _ = await post_message(
                session,
                self.runtime.events,
                NewMessage(
                    conversation_id=scope.conversation_id,
                    author=f"tool:{call['name']}",
                    role="tool",
                    content=outcome.content,
                    tool_call_id=call["id"],
                    idempotency_key=key,
                    meta=meta,
                ),
                insert_first=True,
            )
        return tool_reply_of(message)

    async def end(self, scope: RunScope, outcome: str, summary: str) -> None:
        """Close the conversation with its outcome (the agent's memory) and free the agent,
        unless another of its runs is still live: an agent works while any run of it does."""
        # An agent whose run could not finish shows as in error until its next task.
        ended = "error" if outcome in {"needs_attention", "failed"} else "idle"
        async with self.runtime.db.sessions() as session:
            if ended == "error":  # said where the person watches, before it shows finished
                await post_message(
                    session, self.runtime.events, _why_it_stopped(scope, outcome, summary)
                )
            # The agent's row first: two of its runs ending at once would otherwise each
            # see the other still live, and leave it working with nothing to do.
            await session.execute(
                select(Agent.id).where(Agent.id == scope.agent_id).with_for_update()
            )
            await session.execute(
                update(Conversation)
                .where(Conversation.id == scope.conversation_id, Conversation.status != "finished")
                .values(status="finished", outcome=outcome, summary=summary[:8000], paused=False)
                .execution_options(synchronize_session=False)
            )
            live = await session.scalar(
                select(Conversation.title)
                .where(
                    Conversation.agent_id == scope.agent_id,
                    Conversation.kind == "task",
                    Conversation.run_id.is_not(None),
                    Conversation.status != "finished",
                )
                .order_by(Conversation.id.desc())
                .limit(1)
            )
            status, task = ("working", live) if live is not None else (ended, None)
            owner = await session.scalar(
                select(Project.owner_id).where(Project.id == scope.project_id)
            )
            title = await session.scalar(
                select(Conversation.title).where(Conversation.id == scope.conversation_id)
            )
            freed = (
                await session.execute(
                    update(Agent)
                    .where(Agent.id == scope.agent_id)
                    .values(status=status, current_task=task)
                    .returning(Agent.name)
                    .execution_options(synchronize_session=False)
                )
            ).first()
            await session.commit()
        # An issue's run tells the person itself (its phase); a run of its own does here.
        if ended == "error" and scope.issue_number is None and owner is not None:
            await self.runtime.notifications.notify(
                owner, _run_stopped(scope, title or "An agent's run", outcome, summary)
            )
        if freed is None:
            return
        # The branch keeps the work; the checkout goes (a later run may need the branch).
        await self.runtime.repos.remove_worktree(
            scope.project_id, worktree_name(freed.name, scope.run_id)
        )
        await self._status(scope.agent_id, freed.name, scope, status, task, outcome, summary)
