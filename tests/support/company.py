"""A scripted company: the scripted LLM server answers as whichever agent asks.

Each request carries the agent's system prompt ("You are <name>, ...") and its
task; a rule picks the script for that agent and task, and the number of
assistant messages so far picks the step. Unmatched agents follow the defaults:
the architect writes the issue text as the spec and one task, the others finish.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.llm_server import Reply, ScriptedToolCall


def call(name: str, **arguments: Any) -> Reply:
    return Reply(tool_calls=[ScriptedToolCall(name, arguments)])


def finish(summary: str = "done", outcome: str = "done") -> Reply:
    return call("finish", outcome=outcome, summary=summary)


@dataclass
class Rule:
    agent: str  # name, or role prefix such as "coder"
    task_contains: str
    steps: list[Reply]


def _issue_text(task: str) -> tuple[str, str]:
    match = re.match(r"Issue #\d+: (.*?)\n\n(.*?)\n\nRead the repository", task, re.S)
    return (match.group(1), match.group(2)) if match else ("the issue", "")


def default_steps(name: str, task: str) -> list[Reply]:
    if name == "architect":
        title, body = _issue_text(task)
        return [
            call("write_spec", content=f"# {title}\n\n{body}"),
            call("create_tasks", tasks=[{"title": title, "description": body or title}]),
            finish("spec and one task"),
        ]
    if name == "reviewer":
        return [call("approve", comment="looks good"), finish("approved")]
    return [finish(f"{name}: nothing to do")]


@dataclass
class Company:
    rules: list[Rule] = field(default_factory=list)
    seen: list[tuple[str, str, int]] = field(default_factory=list)

    def __call__(self, body: dict[str, Any]) -> Reply:
        messages = body["messages"]
        system = messages[0]["content"]
        name = re.match(r"You are (\S+),", system).group(1)  # type: ignore[union-attr]
        task = next(m["content"] for m in messages[1:] if m["role"] == "user")
        step = sum(1 for m in messages if m["role"] == "assistant")
        self.seen.append((name, task.splitlines()[0][:80], step))
        for rule in self.rules:
            if name.startswith(rule.agent) and rule.task_contains in task:
                return rule.steps[min(step, len(rule.steps) - 1)]
        steps = default_steps(name, task)
        return steps[min(step, len(steps) - 1)]


def answer_forever(llm: Any, company: Callable[[dict[str, Any]], Reply], n: int = 500) -> None:
    """Queue the company as the answer to the next `n` requests."""
    llm.script(*([company] * n))
