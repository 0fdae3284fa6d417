"""The loop guard reads a run's conversation and tells repeating apart from waiting."""

from __future__ import annotations

import json

from mcc.agents.loop_guard import judge
from mcc.models.message import Message

_ids = iter(range(1, 10_000))


def step(tool: str, arguments: dict, result: str, *, error: bool = False) -> list[Message]:
    n = next(_ids)
    call = {"id": f"c{n}", "name": tool, "arguments": json.dumps(arguments)}
    return [
        Message(role="assistant", author="agent:coder_1", content="", tool_calls=[call]),
        Message(
            role="tool",
            author=f"tool:{tool}",
            content=result,
            tool_call_id=f"c{n}",
            meta={"tool": tool, "error": error},
        ),
    ]


def history(*steps: list[Message]) -> list[Message]:
    head = [
        Message(role="system", author="system", content="prompt"),
        Message(role="user", author="system", content="task"),
    ]
    return head + [m for s in steps for m in s]


def same_read() -> list[Message]:
    return step("read_file", {"path": "a.py"}, "x = 1\n")


def test_the_third_identical_call_with_the_same_result_gets_a_note() -> None:
    assert judge(history(same_read(), same_read())).kind == "ok"
    verdict = judge(history(same_read(), same_read(), same_read()))
    assert verdict.kind == "note"
    assert "read_file with the same arguments 3 times in a row" in verdict.text


def test_repeating_on_after_the_note_means_stuck() -> None:
    verdict = judge(history(*[same_read() for _ in range(5)]))
    assert (verdict.kind, verdict.text) == ("stuck", "stuck: repeating read_file")


def test_polling_a_long_command_whose_output_changes_is_not_stuck() -> None:
    polls = [step("run_command", {"command": "tail build.log"}, f"{n}% built") for n in range(10)]
    assert judge(history(*polls)).kind == "ok"


def test_steps_that_change_nothing_and_learn_nothing_get_a_note_then_stop() -> None:
    known = [step("read_file", {"path": f"f{n}.py"}, "same text") for n in range(12)]
    first = step("list_files", {"path": "."}, "same text")  # new information, once
    assert judge(history(first, *known[:7])).kind == "ok"
    verdict = judge(history(first, *known[:8]))
    assert verdict.kind == "note" and "changed no file" in verdict.text
    assert judge(history(first, *known[:11])).kind == "ok"
    assert judge(history(first, *known)).kind == "stuck"


def test_a_successful_edit_is_progress() -> None:
    edits = [step("edit_file", {"path": "a.py", "n": n}, "edited") for n in range(12)]
    assert judge(history(*edits)).kind == "ok"


def test_a_message_from_the_person_starts_the_count_again() -> None:
    person = [Message(role="user", author="user:ada", content="try the other file")]
    assert judge(history(same_read(), same_read(), person, same_read())).kind == "ok"


def test_results_are_paired_with_their_own_step_when_servers_reuse_call_ids() -> None:
    polls = []
    for n in range(6):
        polls += step("run_command", {"command": "tail build.log"}, f"{n}% built")
    for message in polls:
        if message.role == "assistant":
            message.tool_calls = [{**message.tool_calls[0], "id": "call_0"}]
        else:
            message.tool_call_id = "call_0"
    assert judge(history(polls)).kind == "ok"
