"""The roles of the company, who may talk to whom, and the default roster."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ORCHESTRATOR = "orchestrator"
    ARCHITECT = "architect"
    CODER = "coder"
    TESTER = "tester"
    REVIEWER = "reviewer"


# The design's communication rules: whom each role may message.
MAY_MESSAGE: dict[Role, frozenset[Role]] = {
    Role.ORCHESTRATOR: frozenset(Role),
    Role.ARCHITECT: frozenset({Role.CODER, Role.TESTER, Role.REVIEWER}),
    Role.CODER: frozenset({Role.TESTER, Role.REVIEWER, Role.ARCHITECT}),
    Role.TESTER: frozenset({Role.CODER, Role.REVIEWER, Role.ARCHITECT}),
    Role.REVIEWER: frozenset({Role.CODER, Role.ARCHITECT}),
}

# Roles that remember the project across tasks (the others see only their task).
LONG_TERM_MEMORY = frozenset({Role.ORCHESTRATOR, Role.ARCHITECT})

# Created with every project.
DEFAULT_ROSTER: tuple[tuple[str, Role], ...] = (
    ("architect", Role.ARCHITECT),
    ("coder_1", Role.CODER),
    ("coder_2", Role.CODER),
    ("tester", Role.TESTER),
    ("reviewer", Role.REVIEWER),
)


def may_message(sender: Role, recipient: Role) -> bool:
    return recipient in MAY_MESSAGE[sender]
