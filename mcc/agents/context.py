"""Fitting an agent's conversation into its model's context window.

The conversation in the database keeps everything; what is sent to the model
is cut to fit, in this order, each only as far as needed:

1. every tool output longer than `tool_output_chars` keeps its head and tail
   and says how to read the rest;
2. once the request passes `summarize_at` of the room, tool results older than
   the last `recent_steps` steps become a one-line summary;
3. still too big, the oldest steps are left out (one note says how many);
4. still too big, the recent tool outputs are cut shorter.

The system prompt and the task (the leading system messages and the first
user message) and the last step are always kept. Sizes are measured with the
budget's own upper estimate (`estimate_prompt_tokens`), so the reservation of
the request that is sent stays an upper bound of what it can cost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mcc.errors import MccError
from mcc.llm.prices import estimate_prompt_tokens
from mcc.llm.types import ChatMessage, ToolSpec

_MIN_TOOL_OUTPUT_CHARS = 600


class ContextTooLarge(MccError):
    """The system prompt and the task alone do not fit the model's window."""

    code = "context_too_large"
    status = 422


@dataclass(frozen=True)
class ContextLimits:
    """The window of the model and how the conversation is fitted into it."""

    window_tokens: int
    max_tokens: int
    margin: float = 0.1  # of the window, for chat templates and tokenizers denser than estimated
    tool_output_chars: int = 16_000
    summarize_at: float = 0.5  # of the room, past which older tool results are summarized
    recent_steps: int = 4

    @property
    def reply_tokens(self) -> int:
        """The reply's max_tokens, never more than half the window."""
        return max(1, min(self.max_tokens, self.window_tokens // 2))

    def room(self, tools: list[ToolSpec] | None) -> int:
        """Tokens the messages may take: the window less the reply, the margin and the tools."""
        reserved = self.reply_tokens + int(self.window_tokens * self.margin)
        return self.window_tokens - reserved - estimate_prompt_tokens([], tools)


@dataclass(frozen=True)
class Fitted:
    messages: list[ChatMessage]
    max_tokens: int
    head: int  # the leading messages that are the prompt and the task: the stable prefix
    prompt_tokens: int  # the upper estimate of the fitted request (messages and tools)
    truncated: int = 0  # tool outputs cut
    summarized: int = 0  # older tool results replaced by a line
    omitted_steps: int = 0


def _tokens(messages: list[ChatMessage]) -> int:
    return estimate_prompt_tokens(messages)


def _cut(text: str, limit: int) -> str:
    """`text` cut to about `limit` characters: its head and tail, with a note saying how to read more."""
    if len(text) <= limit:
        return text
    head = text[: limit * 2 // 3]
    tail = text[len(text) - limit // 3 :]
    cut = len(text) - len(head) - len(tail)
    note = (
        f"\n[... {cut} characters of this output left out to fit the context window; "
        "read a part with read_file(path, start_line, end_line), find lines with "
        "search(pattern), or narrow the command's output (grep, head, tail) ...]\n"
    )
    return head + note + tail


def _summary(call: dict[str, Any] | None, content: str) -> str:
    if call is None:
        what = "an earlier tool call"
    else:
        arguments = call["arguments"]
        shown = arguments if len(arguments) <= 120 else arguments[:117] + "..."
        what = f"{call['name']}({shown})"
    first = next((line.strip() for line in content.splitlines() if line.strip()), "")
    first = first if len(first) <= 100 else first[:97] + "..."
    return (
        f"[older result of {what}, {len(content)} characters, left out to fit the context "
        f"window; it began: {json.dumps(first)}. Call the tool again if you need it.]"
    )


def _groups(body: list[ChatMessage]) -> list[list[ChatMessage]]:
    """Steps: an assistant message with the tool results answering it; any other message alone."""
    groups: list[list[ChatMessage]] = []
    for message in body:
        if message.role == "tool" and groups and groups[-1][0].role == "assistant":
            groups[-1].append(message)
        else:
            groups.append([message])
    return groups


def _head_length(messages: list[ChatMessage]) -> int:
    """How many leading messages are the prompt and the task (never left out)."""
    index = 0
    while index < len(messages) and messages[index].role == "system":
        index += 1
    if index < len(messages) and messages[index].role == "user":
        index += 1
    return index


def fit_context(
    messages: list[ChatMessage], limits: ContextLimits, tools: list[ToolSpec] | None = None
) -> Fitted:
    """`messages` fitted into the window of `limits`; raises ContextTooLarge when the head alone cannot fit."""
    room = limits.room(tools)
    head_len = _head_length(messages)
    head, groups = messages[:head_len], _groups(messages[head_len:])
    calls = {
        call.id: {"name": call.name, "arguments": call.arguments_json}
        for message in messages
        for call in message.tool_calls
    }
    truncated = summarized = 0

    def cut_outputs(group: list[ChatMessage], limit: int) -> list[ChatMessage]:
        nonlocal truncated
        out = []
        for message in group:
            if message.role == "tool" and len(message.content or "") > limit:
                truncated += 1
                message = message.model_copy(update={"content": _cut(message.content or "", limit)})
            out.append(message)
        return out

    groups = [cut_outputs(group, limits.tool_output_chars) for group in groups]

    def flat(omitted: int) -> list[ChatMessage]:
        note = (
            [ChatMessage.user(f"[{omitted} earlier steps left out to fit the context window.]")]
            if omitted
            else []
        )
        return [*head, *note, *(m for group in groups for m in group)]

    recent = max(1, limits.recent_steps)
    if _tokens(flat(0)) > room * limits.summarize_at:
        for group in groups[:-recent]:
            for i, message in enumerate(group):
                content = message.content or ""
                if message.role == "tool" and not content.startswith("[older result of "):
                    group[i] = message.model_copy(
                        update={"content": _summary(calls.get(message.tool_call_id or ""), content)}
                    )
                    summarized += 1
    omitted = 0
    while _tokens(flat(omitted)) > room and len(groups) > 1:
        groups.pop(0)
        omitted += 1
    limit = limits.tool_output_chars
    while _tokens(flat(omitted)) > room and limit > _MIN_TOOL_OUTPUT_CHARS:
        limit //= 2
        groups = [cut_outputs(group, limit) for group in groups]
    fitted = flat(omitted)
    prompt_tokens = estimate_prompt_tokens(fitted, tools)
    if _tokens(fitted) > room:
        raise ContextTooLarge(
            f"the conversation needs ~{prompt_tokens} tokens even cut to its prompt, task and "
            f"last step, more than the model's window of {limits.window_tokens} allows"
        )
    return Fitted(
        messages=fitted,
        max_tokens=limits.reply_tokens,
        head=head_len,
        prompt_tokens=prompt_tokens,
        truncated=truncated,
        summarized=summarized,
        omitted_steps=omitted,
    )
