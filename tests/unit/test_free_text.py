"""Text a person writes refuses control characters (NUL, escape…) and keeps its lines."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from api.routes.agent_messages import AgentMessageIn
from api.routes.orchestrator import MemoryIn, OrchestratorMessageIn
from api.routes.rules_files import RuleFileEdit
from api.schemas.agent import AgentUpdate, RunCreate
from api.schemas.conversation import MessageCreate
from api.schemas.issue import IssueCreate, RejectIn
from api.schemas.project import ProjectUpdate
from api.schemas.system import PauseIn

CASES: list[tuple[type[BaseModel], dict[str, object], str]] = [
    (IssueCreate, {"title": "t"}, "body"),
    (RejectIn, {"round": 1, "head": None}, "feedback"),
    (MessageCreate, {}, "content"),
    (OrchestratorMessageIn, {}, "content"),
    (AgentMessageIn, {}, "content"),
    (MemoryIn, {}, "content"),
    (RunCreate, {}, "task"),
    (ProjectUpdate, {}, "name"),
    (PauseIn, {}, "reason"),
    (RuleFileEdit, {"base_sha": None}, "content"),
    (AgentUpdate, {}, "rules"),
]


@pytest.mark.parametrize(("model", "rest", "field"), CASES)
def test_person_written_text_refuses_control_characters_but_keeps_lines(
    model: type[BaseModel], rest: dict[str, object], field: str
) -> None:
    kept = model.model_validate({**rest, field: "one\ttwo\r\nthree\n"})
    assert getattr(kept, field) == "one\ttwo\r\nthree\n"

    for bad, shown in (("\x00", "U+0000"), ("\x1b[2J", "U+001B"), ("\x7f", "U+007F")):
        with pytest.raises(ValidationError) as caught:
            model.model_validate({**rest, field: f"text{bad}"})
        assert caught.value.errors()[0]["msg"] == (
            f"Value error, {field} contains the control character {shown};"
            " only tab, newline and carriage return are allowed"
        )
