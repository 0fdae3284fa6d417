"""The values an LLM call takes and returns, independent of any provider.

Pydantic models so they can be stored in the database and passed through
Temporal as JSON without extra mapping code. `to_wire()` gives the
OpenAI-compatible JSON shape.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Role = Literal["system", "user", "assistant", "tool"]


def parse_tool_arguments(raw: str) -> tuple[dict[str, Any] | None, str | None]:
    """Parse a tool call's JSON arguments into (arguments, error).

    Models sometimes emit broken JSON; the error is kept (not raised) so the
    agent loop can hand it back to the model as a tool result and let it retry.
    """
    if raw.strip() == "":
        return {}, None  # some servers send "" for a tool without parameters
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        return None, f"arguments are not valid JSON: {exc}"
    if not isinstance(value, dict):
        return None, f"arguments must be a JSON object, got {type(value).__name__}"
    return value, None


class ToolCall(BaseModel):
    """A function call requested by the model.

    `arguments_json` is what the model produced, verbatim (it is what we send
    back in the conversation); `arguments` is its parse, or None with
    `arguments_error` saying why.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    arguments_json: str
    arguments: dict[str, Any] | None = None
    arguments_error: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _parse_arguments(cls, data: Any) -> Any:
        if isinstance(data, dict) and "arguments" not in data and "arguments_error" not in data:
            raw = data.get("arguments_json", "")
            if isinstance(raw, str):
                parsed, error = parse_tool_arguments(raw)
                return {**data, "arguments": parsed, "arguments_error": error}
        return data

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": "function",
            "function": {"name": self.name, "arguments": self.arguments_json},
        }


class ToolSpec(BaseModel):
    """A tool offered to the model; `parameters` is a JSON Schema object."""

    model_config = ConfigDict(frozen=True)

    name: str
    description: str
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})

    def to_wire(self) -> dict[str, Any]:
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }


class ChatMessage(BaseModel):
    """One message of a conversation as the model sees it."""

    model_config = ConfigDict(frozen=True)

    role: Role
    content: str | None = None
    tool_calls: list[ToolCall] = Field(default_factory=list)
    tool_call_id: str | None = None
    name: str | None = None

    @model_validator(mode="after")
    def _check_role_fields(self) -> ChatMessage:
        if self.tool_calls and self.role != "assistant":
            raise ValueError("only assistant messages carry tool_calls")
        if self.role == "tool" and not self.tool_call_id:
            raise ValueError("a tool message needs the tool_call_id it answers")
        return self

    @classmethod
    def system(cls, content: str) -> ChatMessage:
        return cls(role="system", content=content)

    @classmethod
    def user(cls, content: str) -> ChatMessage:
        return cls(role="user", content=content)

    @classmethod
    def tool_result(
        cls, tool_call_id: str, content: str, *, name: str | None = None
    ) -> ChatMessage:
        return cls(role="tool", content=content, tool_call_id=tool_call_id, name=name)

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {"role": self.role}
        if self.tool_calls:
            # An assistant turn that only calls tools has null content.
            wire["content"] = self.content
            wire["tool_calls"] = [call.to_wire() for call in self.tool_calls]
        else:
            wire["content"] = self.content or ""
        if self.tool_call_id is not None:
            wire["tool_call_id"] = self.tool_call_id
        if self.name is not None:
            wire["name"] = self.name
        return wire


class Usage(BaseModel):
    """Tokens of one call, and its cost in USD when the provider reports it (OpenRouter).

    `cached_tokens` is the part of `prompt_tokens` the provider served from its
    prompt cache (billed at its cache price, which `cost_usd` already reflects).
    """

    model_config = ConfigDict(frozen=True)

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float | None = None

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class ChatResult(BaseModel):
    """The model's answer to one chat call.

    `usage` is None when the provider reported none; the budget must then
    settle on its reservation rather than guess zero.
    """

    model_config = ConfigDict(frozen=True)

    content: str | None
    tool_calls: list[ToolCall] = Field(default_factory=list)
    finish_reason: str | None = None
    usage: Usage | None = None
    model: str
    response_id: str | None = None

    def to_message(self) -> ChatMessage:
        """The assistant message to append to the conversation."""
        return ChatMessage(role="assistant", content=self.content, tool_calls=list(self.tool_calls))
