"""Noticing an agent that goes round in circles.

Read from the run's conversation before each LLM step (so a retried step
judges the same way):

- the same tool calls with the same arguments and the same results
  `REPEAT_NOTE_AT` steps in a row earn a corrective note, `REPEAT_STUCK_AT`
  end the run as stuck;
- `IDLE_NOTE_AT` steps in a row that changed no file and brought no new
  information (every result seen before) earn a note, `IDLE_STUCK_AT` end it.

Only finished steps are judged, and a repeated call whose result changes (an
agent polling a long command) brings new information, so waiting is not being
stuck. A message from the person or another agent starts the count again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from mcc.errors import MccError
from mcc.models.message import Message

REPEAT_NOTE_AT = 3
REPEAT_STUCK_AT = 5
IDLE_NOTE_AT = 8
IDLE_STUCK_AT = 12
WRITES = frozenset({"write_file", "edit_file", "git_commit"})
GUARD_KEY = "/guard/"


class AgentStuck(MccError):
    """The agent kept repeating itself after being told; a person must look."""

    code = "agent_stuck"
    status = 409


@dataclass(frozen=True)
class _Step:
    calls: tuple[tuple[str, str], ...]
    results: tuple[str, ...]
    progress: bool


@dataclass(frozen=True)
class Verdict:
    kind: Literal["ok", "note", "stuck"]
    text: str = ""


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _steps(history: Sequence[Message]) -> list[_Step | None]:
    """Each finished tool step of the conversation; None where something new came from outside."""
    seen: set[str] = set()
    steps: list[_Step | None] = []
    for index, message in enumerate(history):
        key = message.idempotency_key or ""
        if message.role == "user" and message.author != "system" and GUARD_KEY not in key:
            steps.append(None)  # the person (or another agent) said something
            continue
        if message.role != "assistant" or not message.tool_calls:
            continue
        calls = tuple((c["name"], c.get("arguments", "")) for c in message.tool_calls)
        # The results answering this step follow it (call ids repeat across steps on some servers).
        results: dict[str, Message] = {}
        for later in history[index + 1 :]:
            if later.role == "assistant":
                break
            if later.role == "tool" and later.tool_call_id:
                results.setdefault(later.tool_call_id, later)
        answers = [results.get(c["id"]) for c in message.tool_calls]
        if any(a is None for a in answers):
            continue  # not finished
        digests = tuple(_digest(a.content) for a in answers if a is not None)
        wrote = any(
            name in WRITES and not (a.meta or {}).get("error")
            for (name, _), a in zip(calls, answers, strict=True)
            if a is not None
        )
        steps.append(_Step(calls, digests, wrote or any(d not in seen for d in digests)))
        seen.update(digests)
    return steps


def _streak(steps: list[_Step | None], same: bool) -> int:
    """Trailing steps repeating the last one (`same`), or making no progress."""
    count = 0
    last = steps[-1] if steps else None
    for step in reversed(steps):
        if step is None:
            break
        if same and (last is None or (step.calls, step.results) != (last.calls, last.results)):
            break
        if not same and step.progress:
            break
        count += 1
    return count


def judge(history: Sequence[Message]) -> Verdict:
    """What to do before the next step: nothing, tell the agent, or stop the run."""
    steps = _steps(history)
    last = steps[-1] if steps else None
    if last is None:
        return Verdict("ok")
    tool = last.calls[0][0]
    repeats = _streak(steps, same=True)
    if repeats >= REPEAT_STUCK_AT:
        return Verdict("stuck", f"stuck: repeating {tool}")
    if repeats == REPEAT_NOTE_AT:
        return Verdict(
            "note",
            f"[You called {tool} with the same arguments {repeats} times in a row and got the "
            "same result each time. Doing it again will not change it: try another approach, "
            "or call finish with outcome needs_attention and say what blocks you.]",
        )
    idle = _streak(steps, same=False)
    if idle >= IDLE_STUCK_AT:
        return Verdict("stuck", f"stuck: repeating {tool} ({idle} steps without progress)")
    if idle == IDLE_NOTE_AT:
        return Verdict(
            "note",
            f"[Your last {idle} steps changed no file and brought no new information. Change "
            "approach (edit the code, run a different check), or call finish with outcome "
            "needs_attention and say what blocks you.]",
        )
    return Verdict("ok")
