"""Prompt caching: where a request marks the end of its stable prefix.

Anthropic models (directly or through OpenRouter) cache a prompt prefix only up
to a `cache_control` breakpoint placed on a content part; OpenAI, DeepSeek and
Gemini cache prefixes by themselves and ignore nothing they are not sent, so
the breakpoint is only sent to models that need it. The stable prefix of an
agent's conversation is its system prompt (role, rules, memory) and its task.
"""

from __future__ import annotations

from typing import Any

_EXPLICIT_CACHE_PREFIXES = ("anthropic/", "claude")


def takes_cache_breakpoints(model: str) -> bool:
    """Whether `model` caches only up to explicit `cache_control` breakpoints."""
    return model.lower().startswith(_EXPLICIT_CACHE_PREFIXES)


def with_cache_breakpoint(messages: list[dict[str, Any]], prefix: int) -> list[dict[str, Any]]:
    """`messages` with a breakpoint on the last of the first `prefix` ones (none when 0).

    The marked message's text becomes one content part carrying
    `cache_control: {"type": "ephemeral"}`, the shape Anthropic and OpenRouter take.
    """
    if prefix <= 0 or not messages:
        return messages
    index = min(prefix, len(messages)) - 1
    marked = dict(messages[index])
    text = marked.get("content")
    if not isinstance(text, str) or not text:
        return messages
    marked["content"] = [{"type": "text", "text": text, "cache_control": {"type": "ephemeral"}}]
    return [*messages[:index], marked, *messages[index + 1 :]]
