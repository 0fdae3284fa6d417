"""What the orchestrator's model reads of its conversation."""

from __future__ import annotations

from mcc.models.message import Message
from mcc.orchestrator.steps import visible_history


def _message(role: str, content: str = "", **extra) -> Message:
    return Message(role=role, content=content, author="x", **extra)


def test_a_turn_that_failed_mid_tool_leaves_no_unanswered_call_and_notes_are_not_its_words():
    history = [
        _message("tool", "cut off from its call", tool_call_id="c0"),
        _message("user", "Pause issue 3"),
        _message(
            "assistant",
            tool_calls=[
                {"id": "c1", "name": "steer_run", "arguments": "{}"},
                {"id": "c2", "name": "list_projects", "arguments": "{}"},
            ],
        ),
        _message("tool", "paused", tool_call_id="c1"),
        _message("assistant", "I could not answer: boom", meta={"note": True}),
        _message("user", "And now?"),
        _message("assistant", tool_calls=[{"id": "c3", "name": "list_projects"}]),
    ]

    chat = visible_history(history)

    assert [(m.role, m.content) for m in chat] == [
        ("user", "Pause issue 3"),
        ("assistant", None),
        ("tool", "paused"),
        ("user", "And now?"),
    ]
    assert [c.id for c in chat[1].tool_calls] == ["c1"]
