"""Chat values: tool-call arguments and message shapes."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from mcc.llm import ChatMessage, ChatResult, ToolCall


def test_tool_call_arguments_are_parsed_from_the_raw_json() -> None:
    call = ToolCall(id="c", name="run", arguments_json='{"cmd": "pytest -q"}')
    assert call.arguments == {"cmd": "pytest -q"}
    assert call.arguments_error is None


def test_empty_arguments_mean_no_arguments() -> None:
    assert ToolCall(id="c", name="status", arguments_json="").arguments == {}


def test_non_object_arguments_are_an_error_the_agent_can_be_told() -> None:
    call = ToolCall(id="c", name="run", arguments_json='["pytest"]')
    assert call.arguments is None
    assert call.arguments_error == "arguments must be a JSON object, got list"


def test_tool_call_survives_a_round_trip_through_json() -> None:
    call = ToolCall(id="c", name="run", arguments_json='{"a": 1')
    again = ToolCall.model_validate_json(call.model_dump_json())
    assert again == call
    assert again.arguments_error is not None


def test_tool_message_needs_the_call_it_answers() -> None:
    with pytest.raises(ValidationError):
        ChatMessage(role="tool", content="output")


def test_only_assistant_messages_carry_tool_calls() -> None:
    with pytest.raises(ValidationError):
        ChatMessage(role="user", tool_calls=[ToolCall(id="c", name="x", arguments_json="{}")])


def test_result_becomes_the_assistant_message_of_the_conversation() -> None:
    call = ToolCall(id="c", name="run", arguments_json="{}")
    result = ChatResult(content=None, tool_calls=[call], finish_reason="tool_calls", model="m")
    assert result.to_message().to_wire() == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": "c", "type": "function", "function": {"name": "run", "arguments": "{}"}}
        ],
    }
