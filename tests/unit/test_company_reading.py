"""The scripted company reads requests for any model, those sent as content parts too."""

from __future__ import annotations

from tests.support.company import read


def test_the_company_reads_content_sent_as_parts() -> None:
    system = "You are architect, the team's planner."
    task = "Plan #1: Add a greeting\nSay hello."
    as_text = {
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": task}]
    }
    as_parts = {
        "messages": [
            {
                "role": "system",
                "content": [
                    {"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}
                ],
            },
            {"role": "user", "content": [{"type": "text", "text": task}]},
        ]
    }
    assert read(as_parts) == read(as_text)
    assert read(as_parts).agent == "architect"
