"""The OpenAI-compatible JSON of a chat call: the request body and a plain (non-streamed) answer."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from mcc.llm.errors import LLMServerError
from mcc.llm.types import ChatMessage, ChatResult, ToolCall, ToolSpec, Usage

_TOOL_CHOICE_MODES = ("auto", "none", "required")


def chat_body(
    model: str,
    messages: Sequence[ChatMessage],
    *,
    tools: Sequence[ToolSpec] | None,
    tool_choice: str | None,
    max_tokens: int,
    temperature: float | None,
    stream: bool,
    usage_accounting: bool,
) -> dict[str, Any]:
    """The /chat/completions body; a `tool_choice` other than auto/none/required names a tool."""
    body: dict[str, Any] = {
        "model": model,
        "messages": [message.to_wire() for message in messages],
        "max_tokens": max_tokens,
    }
    if temperature is not None:
        body["temperature"] = temperature
    if tools:
        body["tools"] = [tool.to_wire() for tool in tools]
    if tool_choice is not None:
        body["tool_choice"] = (
            tool_choice
            if tool_choice in _TOOL_CHOICE_MODES
            else {"type": "function", "function": {"name": tool_choice}}
        )
    if stream:
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
    if usage_accounting:
        # OpenRouter: return usage.cost, what the call was actually billed.
        body["usage"] = {"include": True}
    return body


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def parse_usage(raw: Any) -> Usage | None:
    """Usage from a response's `usage` object; OpenRouter adds `cost` in USD."""
    if not isinstance(raw, dict):
        return None
    cost = raw.get("cost")
    return Usage(
        prompt_tokens=_int(raw.get("prompt_tokens")),
        completion_tokens=_int(raw.get("completion_tokens")),
        cost_usd=float(cost)
        if isinstance(cost, int | float) and not isinstance(cost, bool)
        else None,
    )


def arguments_text(arguments: Any) -> str:
    """Tool-call arguments as the JSON text the model wrote (some servers send an object)."""
    if arguments is None:
        return ""
    if isinstance(arguments, str):
        return arguments
    return json.dumps(arguments)


def parse_tool_call(raw: Any, position: int) -> ToolCall:
    """A complete tool call; a server that omits the id gets a stable one by position."""
    raw = raw if isinstance(raw, dict) else {}
    function = raw.get("function") if isinstance(raw.get("function"), dict) else {}
    call_id = raw.get("id")
    return ToolCall(
        id=call_id if isinstance(call_id, str) and call_id else f"call_{position}",
        name=str(function.get("name") or ""),
        arguments_json=arguments_text(function.get("arguments")),
    )


def parse_completion(body: Any, *, requested_model: str) -> ChatResult:
    """A ChatResult from a plain /chat/completions answer; a body without a choice is a server fault."""
    if not isinstance(body, dict):
        raise LLMServerError("LLM provider answered without any choice")
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices:
        raise LLMServerError("LLM provider answered without any choice")
    if not isinstance(choices[0], dict):
        raise LLMServerError("LLM provider answered with a malformed choice")
    choice = choices[0]
    message = choice.get("message")
    if not isinstance(message, dict):
        message = {}
    raw_calls = message.get("tool_calls")
    tool_calls = (
        [parse_tool_call(raw, i) for i, raw in enumerate(raw_calls)]
        if isinstance(raw_calls, list)
        else []
    )
    content = message.get("content")
    finish_reason = choice.get("finish_reason")
    model = body.get("model")
    response_id = body.get("id")
    return ChatResult(
        content=content if isinstance(content, str) else None,
        tool_calls=tool_calls,
        finish_reason=finish_reason if isinstance(finish_reason, str) else None,
        usage=parse_usage(body.get("usage")),
        model=model if isinstance(model, str) and model else requested_model,
        response_id=response_id if isinstance(response_id, str) else None,
    )
