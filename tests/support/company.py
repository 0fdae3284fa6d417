"""A scripted company: the scripted LLM server answers as whichever agent asks.

A request is routed on structured data: the agent's name (the system prompt opens
with "You are <name>,") and the kind of its task (`mcc.agents.briefs.kind_of`);
the number of assistant messages so far picks the step. Unmatched agents follow
the defaults: the architect writes the issue text as the spec and one task, the
reviewer approves, the others finish.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from mcc.agents.briefs import TaskKind, issue_of, kind_of
from tests.fakes.llm_server import Reply, ScriptedToolCall


def call(name: str, **arguments: Any) -> Reply:
    return Reply(tool_calls=[ScriptedToolCall(name, arguments)])


def finish(summary: str = "done", outcome: str = "done") -> Reply:
    return call("finish", outcome=outcome, summary=summary)


@dataclass
class Rule:
    agent: str  # name, or role prefix such as "coder"
    kind: TaskKind
    steps: list[Reply]
    heading: str | None = None  # only the brief whose first line ends with this


@dataclass(frozen=True)
class Request:
    agent: str
    kind: TaskKind | None
    heading: str
    task: str
    step: int


def default_steps(request: Request) -> list[Reply]:
    if request.agent == "architect":
        title, body = issue_of(request.task)
        return [
            call("write_spec", content=f"# {title}\n\n{body}"),
            call("create_tasks", tasks=[{"title": title, "description": body or title}]),
            finish("spec and one task"),
        ]
    if request.agent == "reviewer":
        return [call("approve", comment="looks good"), finish("approved")]
    return [finish(f"{request.agent}: nothing to do")]


def text_of(content: str | list[dict[str, Any]]) -> str:
    """A message's text: a string, or the text parts of a list (MCC sends parts with a
    cache marker to models that take one, Anthropic's among them)."""
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content if part.get("type") == "text")


def read(body: dict[str, Any]) -> Request:
    messages = body["messages"]
    system = text_of(messages[0]["content"])
    agent = system.removeprefix("You are ").split(",", 1)[0]
    task = next(text_of(m["content"]) for m in messages[1:] if m["role"] == "user")
    step = sum(1 for m in messages if m["role"] == "assistant")
    return Request(agent, kind_of(task), task.split("\n", 1)[0], task, step)


@dataclass
class Company:
    rules: list[Rule] = field(default_factory=list)
    seen: list[tuple[str, TaskKind | None, int]] = field(default_factory=list)
    # Agents whose answers wait until their event is set (the server runs in its own thread).
    held: dict[str, threading.Event] = field(default_factory=dict)

    def __call__(self, body: dict[str, Any]) -> Reply | Awaitable[Reply]:
        request = read(body)
        self.seen.append((request.agent, request.kind, request.step))
        reply = self._reply(request)
        released = self.held.get(request.agent)
        if released is None or released.is_set():
            return reply

        async def when_released() -> Reply:
            while not released.is_set():
                await asyncio.sleep(0.05)
            return reply

        return when_released()

    def _reply(self, request: Request) -> Reply:
        for rule in self.rules:
            if (
                request.agent.startswith(rule.agent)
                and request.kind == rule.kind
                and (rule.heading is None or request.heading.endswith(rule.heading))
            ):
                return rule.steps[min(request.step, len(rule.steps) - 1)]
        steps = default_steps(request)
        return steps[min(request.step, len(steps) - 1)]


def answer_forever(
    llm: Any, company: Callable[[dict[str, Any]], Reply | Awaitable[Reply]], n: int = 500
) -> None:
    """Queue the company as the answer to the next `n` requests."""
    llm.script(*([company] * n))
