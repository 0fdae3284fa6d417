"""Reading a streamed (SSE) chat answer and assembling it into a ChatResult.

Content arrives as text deltas, each tool call as an id and name followed by
its arguments in pieces keyed by `index`, and usage (with OpenRouter's cost)
in a final chunk whose `choices` is empty.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from mcc.llm.types import ChatResult, ToolCall, Usage
from mcc.llm.wire import arguments_text, parse_usage


async def sse_data(lines: AsyncIterator[str]) -> AsyncIterator[str]:
    """The `data` payload of each server-sent event; comments (keep-alives) are skipped."""
    data: list[str] = []
    async for line in lines:
        if line == "":
            if data:
                yield "\n".join(data)
                data = []
            continue
        if line.startswith(":"):
            continue  # e.g. OpenRouter's ": OPENROUTER PROCESSING"
        name, _, value = line.partition(":")
        if name == "data":
            data.append(value[1:] if value.startswith(" ") else value)
    if data:
        yield "\n".join(data)


@dataclass
class _PartialToolCall:
    id: str | None = None
    name: str = ""
    arguments: list[str] = field(default_factory=list)


class StreamAssembler:
    """Accumulates stream chunks; `feed` returns each chunk's content delta."""

    def __init__(self, requested_model: str) -> None:
        self._requested_model = requested_model
        self._content: list[str] = []
        self._calls: dict[int, _PartialToolCall] = {}
        self._last_index = 0
        self._model: str | None = None
        self._response_id: str | None = None
        self._usage: Usage | None = None
        self.finish_reason: str | None = None

    def feed(self, chunk: dict[str, Any]) -> str:
        if isinstance(chunk.get("id"), str) and self._response_id is None:
            self._response_id = chunk["id"]
        if isinstance(chunk.get("model"), str) and chunk["model"]:
            self._model = chunk["model"]
        usage = parse_usage(chunk.get("usage"))
        if usage is not None:
            self._usage = usage
        choices = chunk.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            return ""
        choice = choices[0]
        if isinstance(choice.get("finish_reason"), str):
            self.finish_reason = choice["finish_reason"]
        delta = choice.get("delta")
        if not isinstance(delta, dict):
            return ""
        tool_calls = delta.get("tool_calls")
        if isinstance(tool_calls, list):
            for raw in tool_calls:
                if isinstance(raw, dict):
                    self._feed_tool_call(raw)
        text = delta.get("content")
        if isinstance(text, str) and text:
            self._content.append(text)
            return text
        return ""

    def _index_of(self, raw: dict[str, Any]) -> int:
        index = raw.get("index")
        if isinstance(index, int) and not isinstance(index, bool):
            return index
        # Servers that omit the index: a new id starts a new call, anything
        # else continues the call being streamed.
        call_id = raw.get("id")
        if isinstance(call_id, str) and call_id:
            for known, partial in self._calls.items():
                if partial.id == call_id:
                    return known
            return max(self._calls, default=-1) + 1
        return self._last_index

    def _feed_tool_call(self, raw: dict[str, Any]) -> None:
        index = self._index_of(raw)
        self._last_index = index
        partial = self._calls.setdefault(index, _PartialToolCall())
        if isinstance(raw.get("id"), str) and raw["id"]:
            partial.id = raw["id"]
        function = raw.get("function")
        if not isinstance(function, dict):
            return
        name = function.get("name")
        if isinstance(name, str) and name and name != partial.name:
            partial.name += name
        piece = arguments_text(function.get("arguments"))
        if piece:
            partial.arguments.append(piece)

    def result(self) -> ChatResult:
        return ChatResult(
            content="".join(self._content) if self._content else None,
            tool_calls=[
                ToolCall(
                    id=partial.id or f"call_{index}",
                    name=partial.name,
                    arguments_json="".join(partial.arguments),
                )
                for index, partial in sorted(self._calls.items())
            ],
            finish_reason=self.finish_reason,
            usage=self._usage,
            model=self._model or self._requested_model,
            response_id=self._response_id,
        )
