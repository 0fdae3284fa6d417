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

# What a project's agent may be. The orchestrator is the person's own assistant (one
# per person, across projects, with the person's powers): never one of a project's agents.
PROJECT_ROLES: tuple[Role, ...] = tuple(role for role in Role if role is not Role.ORCHESTRATOR)

_CHOICES = ", ".join(r.value for r in PROJECT_ROLES[:-1]) + f" or {PROJECT_ROLES[-1].value}"
NOT_A_PROJECT_ROLE = (
    "The orchestrator is your own assistant (one per person, on the Orchestrator page), "
    f"not a project's agent: give the agent the role {_CHOICES}."
)
ROLE_IS_FIXED = (
    "An agent's role cannot be changed: add an agent with the role you want "
    f"({_CHOICES}), then delete this one."
)

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


def cannot_run(name: str) -> str:
    """Why an agent holding the orchestrator's role (an earlier release allowed it) does not run."""
    return (
        f"{name} has the orchestrator's role, which belongs to your own assistant (the "
        "Orchestrator page), not to a project's agent, so it does not run: delete it and "
        f"add an agent with the role {_CHOICES}."
    )
