"""Assembling an agent's system prompt, fresh for every task.

Sources, in order: the repository's `.mcc/AGENTS.md` (the company's rules),
`.mcc/<role>.md`, the repo-root `AGENTS.md` when present, the agent's own rules
from the database, then (orchestrator and architect only) its long-term memory.
The task itself is the first user message.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mcc.agents.roles import Role

MAX_FILE_CHARS = 20_000

ROLE_BRIEF: dict[Role, str] = {
    Role.ORCHESTRATOR: "You are the orchestrator: you help the person run the company, "
    "create issues, report status and coordinate the other agents.",
    Role.ARCHITECT: "You are the architect: you turn an issue into a technical spec and a "
    "list of small, independent coding tasks.",
    Role.CODER: "You are a coder: you implement your task in the repository, run the tests, "
    "and commit your work.",
    Role.TESTER: "You are the tester: you run the project's tests, write missing tests, "
    "and report bugs precisely.",
    Role.REVIEWER: "You are the reviewer: you read the diff and either approve it or request "
    "specific changes.",
}


@dataclass(frozen=True)
class RuleFile:
    source: str
    text: str


def rule_files(worktree: Path, role: Role) -> list[RuleFile]:
    """The repository's rule files that exist, read now (never cached between tasks)."""
    found: list[RuleFile] = []
    root = worktree.resolve()
    for relative in (".mcc/AGENTS.md", f".mcc/{role.value}.md", "AGENTS.md"):
        path = worktree / relative
        # Rules come from inside the worktree only: a symlink out is not followed.
        if not path.is_file() or not path.resolve().is_relative_to(root):
            continue
        text = path.read_text(errors="replace")[:MAX_FILE_CHARS].strip()
        if text:
            found.append(RuleFile(relative, text))
    return found


def system_prompt(
    *,
    name: str,
    role: Role,
    project: str,
    files: list[RuleFile],
    own_rules: str,
    memory: str | None,
    peers: list[str],
) -> str:
    parts = [
        f"You are {name}, an AI agent of a small software company working on the project "
        f"{project!r}. {ROLE_BRIEF[role]}",
        "Work only through your tools. Paths are relative to your git worktree. When your task "
        "is complete (or cannot be completed), call finish(outcome, summary) with a short, "
        "factual summary of what you did and what is left.",
    ]
    if peers:
        parts.append("You may message: " + ", ".join(peers) + ".")
    for rule in files:
        parts.append(f"## Rules from {rule.source}\n\n{rule.text}")
    if own_rules.strip():
        parts.append(f"## Your own rules\n\n{own_rules.strip()}")
    if memory:
        parts.append(f"## What you remember of this project\n\n{memory}")
    return "\n\n".join(parts)
