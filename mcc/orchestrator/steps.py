"""The orchestrator's steps: what the OrchestratorWorkflow's activities do.

Like an agent run's steps (`mcc.agents.steps`), every write is keyed by the
workflow id, the turn (one per message of the person) and the step, so a retried
step returns its stored answer instead of calling (and paying) the LLM again.
Unlike an agent, the orchestrator has no repository and no task: its prompt is
built afresh at every step from the person's memory and projects, and its turn
ends when it answers in words instead of calling a tool.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from mcc.agents.context import ContextLimits, fit_context
from mcc.agents.loop_guard import GUARD_KEY, AgentStuck, judge
from mcc.agents.roles import Role
from mcc.agents.steps import (
    StepReply,
    ToolReply,
    answer_message,
    chat_message,
    reply_of,
    tool_reply_of,
)
from mcc.agents.tools.base import ToolContext
from mcc.agents.tools.registry import execute, tool_specs
from mcc.budget.pause import PauseState, pause_state
from mcc.budget.store import BudgetStore
from mcc.conversations import NewMessage, post_message, read_by_model
from mcc.errors import NotFound
from mcc.events import conversation_room
from mcc.llm.gateway import GatewayCall
from mcc.llm.types import ChatMessage
from mcc.models.message import Message
from mcc.models.user import User
from mcc.orchestrator.control import RunControl
from mcc.orchestrator.memory import as_prompt, memories
from mcc.projects import list_projects
from mcc.runtime import Runtime
from mcc.workspace.workspace import Workspace

NAME = "orchestrator"
HISTORY = 200  # messages of the conversation the model sees (older ones are in memory)
MAX_TOKENS = 4096
TEMPERATURE = 0.2


@dataclass(frozen=True)
class OrchestratorScope:
    run_id: str  # orchestrator/{user_id}
    user_id: int
    conversation_id: int
    turn: int  # the how-manieth message of the person this answers (never reused)


def _key(scope: OrchestratorScope, step: int) -> str:
    return f"{scope.run_id}/turn/{scope.turn}/llm/{step}"


def _tool_key(scope: OrchestratorScope, step: int, index: int) -> str:
    return f"{scope.run_id}/turn/{scope.turn}/tool/{step}/{index}"


def orchestrator_prompt(
    email: str, projects: list[str], memory: str | None, pause: PauseState
) -> str:
    parts = [
        f"You are {NAME}, the personal assistant of {email}, who runs a small software "
        "company of AI agents (architect, coders, tester, reviewer) across several projects.",
        "Act through your tools: list projects and issues, report a run's status and cost, "
        "create issues, pause, resume or cancel runs, message any agent, trigger or lift the "
        "emergency pause. When the person states a preference or takes a decision that should "
        "hold across projects, remember it. Answer the person in plain words, briefly, once "
        "you are done with your tools.",
        "Projects: " + ("; ".join(projects) if projects else "none yet") + ".",
    ]
    if pause.paused:
        # Said outright: the person may be asking from a phone why nothing moves.
        why = f" ({pause.reason})" if pause.reason else ""
        parts.append(
            f"The emergency pause is ON{why}: every agent is stopped until it is lifted. "
            "You still work; lift it only when the person asks you to."
        )
    if memory:
        parts.append(f"## What you remember of the person\n\n{memory}")
    return "\n\n".join(parts)


def visible_history(history: list[Message]) -> list[ChatMessage]:
    """The newest messages as the model reads them: starting at one of the person's
    (never at a tool's answer, whose call would be cut off), without MCC's notes, and
    without the calls of a turn that failed before their answers were stored (providers
    refuse those)."""
    recent = history[-HISTORY:]
    while recent and recent[0].role != "user":
        recent = recent[1:]
    answered = {m.tool_call_id for m in recent if m.role == "tool"}
    chat: list[ChatMessage] = []
    for message in recent:
        # MCC's own notes to the person ("Waiting: ...") are not the model's words.
        if message.role == "system" or not read_by_model(message):
            continue
        turned = chat_message(message)
        if message.role == "assistant" and turned.tool_calls:
            kept = [c for c in turned.tool_calls if c.id in answered]
            if len(kept) != len(turned.tool_calls):
                if not kept and not turned.content:
                    continue
                turned = ChatMessage(role="assistant", content=turned.content, tool_calls=kept)
        chat.append(turned)
    return chat


class OrchestratorSteps:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    @property
    def model(self) -> str:
        settings = self.runtime.settings
        return settings.orchestrator_model or settings.agent_default_model

    async def llm_step(self, scope: OrchestratorScope, step: int) -> StepReply:
        key = _key(scope, step)
        async with self.runtime.db.sessions() as session:
            stored = await session.scalar(select(Message).where(Message.idempotency_key == key))
            if stored is not None:
                return reply_of(stored)
            user = await session.get(User, scope.user_id)
            if user is None:
                raise NotFound("the orchestrator's person no longer exists")
            projects = [f"{p.id}: {p.name}" for p in await list_projects(session, user.id)]
            memory = as_prompt(await memories(session, user.id))
            rows = await session.scalars(
                select(Message)
                .where(Message.conversation_id == scope.conversation_id)
                .order_by(Message.id.desc())
                .limit(HISTORY)
            )
            recent = list(reversed(rows.all()))
        await self._guard(scope, step, recent)
        history = visible_history(recent)
        pause = await pause_state(BudgetStore.of(self.runtime.db), user.id)
        chat = [
            ChatMessage(
                role="system", content=orchestrator_prompt(user.email, projects, memory, pause)
            )
        ]
        chat += history
        specs = tool_specs(Role.ORCHESTRATOR)
        model = self.model
        window = await self.runtime.gateway.context_window(model)
        fitted = fit_context(
            chat, ContextLimits(window_tokens=window, max_tokens=MAX_TOKENS), specs
        )

        async def stream(delta: str) -> None:
            await self.runtime.events.emit(
                "message_delta",
                {
                    "conversation_id": scope.conversation_id,
                    "step": step,
                    "delta": delta,
                    "author": f"agent:{NAME}",
                },
                conversation_room(scope.conversation_id),
            )

        result = await self.runtime.gateway.call(
            GatewayCall(
                owner_id=scope.user_id,
                model=model,
                messages=fitted.messages,
                max_tokens=fitted.max_tokens,
                idempotency_key=key,
                agent_name=NAME,
                agent_type=Role.ORCHESTRATOR.value,
                tools=specs,
                temperature=TEMPERATURE,
                conversation_id=scope.conversation_id,
                task_id=scope.run_id,
                on_delta=stream,
                # The person lifts the emergency pause by asking the orchestrator.
                pause_exempt=True,
            )
        )
        async with self.runtime.db.sessions() as session:
            message, _ = await post_message(
                session,
                self.runtime.events,
                answer_message(result, scope.conversation_id, f"agent:{NAME}", key, model),
                insert_first=True,
            )
        return reply_of(message)

    async def _guard(self, scope: OrchestratorScope, step: int, recent: list[Message]) -> None:
        """The agents' loop guard (the person's message starts its count): a note to the
        model after a few identical calls with identical results, then a stop, said to the
        person, instead of spending the turn's remaining steps on the same failure."""
        verdict = judge(recent)
        if verdict.kind == "stuck":
            repeated = verdict.text.removeprefix("stuck: repeating ")
            raise AgentStuck(
                f"I stopped because I was going round in circles ({repeated}): the same tool"
                " calls kept giving the same results. Tell me what to try instead, or check"
                " what the tool reported above."
            )
        key = f"{scope.run_id}/turn/{scope.turn}{GUARD_KEY}{step}"
        if verdict.kind == "note" and all(m.idempotency_key != key for m in recent):
            async with self.runtime.db.sessions() as session:
                note, _ = await post_message(
                    session,
                    self.runtime.events,
                    NewMessage(
                        conversation_id=scope.conversation_id,
                        author="system",
                        role="user",
                        content=verdict.text,
                        idempotency_key=key,
                        meta={"loop_guard": True},
                    ),
                )
            recent.append(note)

    async def run_tool(
        self, scope: OrchestratorScope, step: int, index: int, control: RunControl
    ) -> ToolReply:
        key, asked = _tool_key(scope, step, index), _key(scope, step)
        async with self.runtime.db.sessions() as session:
            found = {
                m.idempotency_key: m
                for m in await session.scalars(
                    select(Message).where(Message.idempotency_key.in_([key, asked]))
                )
            }
        if key in found:
            return tool_reply_of(found[key])
        assistant = found.get(asked)
        if assistant is None or not assistant.tool_calls or index >= len(assistant.tool_calls):
            raise NotFound(f"step {step} has no tool call {index}")
        call = assistant.tool_calls[index]
        # No repository: the file-shaped parts of the context point at nothing usable.
        nowhere = self.runtime.settings.resolved_data_dir / "orchestrator"
        nowhere.mkdir(parents=True, exist_ok=True)  # empty: the orchestrator has no file tools
        ctx = ToolContext(
            project_id=0,
            agent_id=0,
            agent_name=NAME,
            role=Role.ORCHESTRATOR,
            run_id=scope.run_id,
            conversation_id=scope.conversation_id,
            worktree=nowhere,
            base_ref="",
            workspace=Workspace(nowhere),
            sandbox=self.runtime.sandbox,
            git=self.runtime.repos.git,
            db=self.runtime.db,
            events=self.runtime.events,
            call_key=key,
            owner_id=scope.user_id,
            control=control,
        )
        outcome = await execute(ctx, call["name"], call.get("arguments", "{}"))
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
                    meta={
                        "tool": call["name"],
                        "error": outcome.error,
                        "artifact": outcome.artifact or None,
                    },
                ),
                insert_first=True,
            )
        return tool_reply_of(message)
