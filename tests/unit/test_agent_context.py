"""Fitting an agent's conversation into the model's context window."""

from __future__ import annotations

import pytest

from mcc.agents.context import ContextLimits, ContextTooLarge, fit_context
from mcc.llm import ChatMessage, ToolCall, estimate_prompt_tokens
from mcc.llm.windows import DEFAULT_CONTEXT_TOKENS, context_window

PROMPT = ChatMessage.system("You are coder_1. Follow the rules.")
TASK = ChatMessage.user("Fix the failing test.")


def step(n: int, output: str) -> list[ChatMessage]:
    call = ToolCall(id=f"c{n}", name="read_file", arguments_json=f'{{"path": "f{n}.py"}}')
    return [
        ChatMessage(role="assistant", content=None, tool_calls=[call]),
        ChatMessage.tool_result(f"c{n}", output),
    ]


def run(steps: int, chars: int) -> list[ChatMessage]:
    messages = [PROMPT, TASK]
    for n in range(steps):
        messages += step(n, f"output {n}\n" + "y" * chars)
    return messages


def test_a_large_tool_output_keeps_head_and_tail_and_says_how_to_read_more() -> None:
    output = "first line\n" + "z" * 100_000 + "\nlast line"
    fitted = fit_context([PROMPT, TASK, *step(0, output)], ContextLimits(128_000, 4096))

    shown = fitted.messages[-1].content or ""
    assert shown.startswith("first line") and shown.endswith("last line")
    assert len(shown) < 17_000
    assert "read_file(path, start_line, end_line)" in shown and "search(pattern)" in shown
    assert fitted.truncated == 1


def test_small_conversations_are_sent_as_they_are() -> None:
    messages = run(3, 1000)
    fitted = fit_context(messages, ContextLimits(128_000, 4096))
    assert fitted.messages == messages
    assert (fitted.truncated, fitted.summarized, fitted.omitted_steps) == (0, 0, 0)


def test_past_the_threshold_older_results_become_one_line_and_recent_ones_stay() -> None:
    fitted = fit_context(run(12, 15_000), ContextLimits(64_000, 4096, recent_steps=4))

    tools = [m.content or "" for m in fitted.messages if m.role == "tool"]
    assert len(tools) == 12
    assert all(t.startswith('[older result of read_file({"path": "f') for t in tools[:8])
    assert all("\n" not in t for t in tools[:8])
    assert all(t.startswith("output ") for t in tools[8:])
    assert fitted.summarized == 8


def test_prompt_task_and_last_step_are_kept_when_old_steps_must_go() -> None:
    limits = ContextLimits(8_000, 1000, recent_steps=2)
    fitted = fit_context(run(300, 50), limits)

    assert fitted.messages[:2] == [PROMPT, TASK]
    assert fitted.messages[2].content is not None and "earlier steps left out" in (
        fitted.messages[2].content
    )
    assert fitted.messages[-1].tool_call_id == "c299"
    assert fitted.omitted_steps > 0
    assert estimate_prompt_tokens(fitted.messages) <= limits.room(None)
    # No tool result is left without the call it answers.
    asked = {c.id for m in fitted.messages for c in m.tool_calls}
    assert all(m.tool_call_id in asked for m in fitted.messages if m.role == "tool")


@pytest.mark.parametrize("window", [16_000, 32_768, 128_000, 200_000])
def test_every_fitted_request_leaves_room_for_the_reply(window: int) -> None:
    limits = ContextLimits(window, 8192)
    fitted = fit_context(run(40, 50_000), limits)
    assert fitted.prompt_tokens + fitted.max_tokens <= window


def test_a_prompt_too_big_for_the_window_is_a_clear_error() -> None:
    with pytest.raises(ContextTooLarge, match="window of 4000"):
        fit_context([ChatMessage.system("r" * 40_000), TASK], ContextLimits(4_000, 500))


def test_windows_come_from_the_provider_then_the_shipped_table_then_a_safe_default() -> None:
    assert context_window("test/model", {"test/model": 128_000}) == 128_000
    assert context_window("anthropic/claude-sonnet-4") == 200_000
    assert context_window("claude-sonnet-4") == 200_000
    assert context_window("local/llama") == DEFAULT_CONTEXT_TOKENS
