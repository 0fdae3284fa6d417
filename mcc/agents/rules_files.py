"""The rule files every agent's prompt is built from (`.mcc/AGENTS.md`, `.mcc/<role>.md`):
templates written by `init`, or committed on a branch for review in an existing repository."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mcc.agents.roles import Role
from mcc.forge.local_repos import LocalRepos

RULES_BRANCH = "mcc/rules-files"
_WORKTREE = "rules_files"
COMMIT_MESSAGE = "Add MCC rule files for the agents"
# What the pull request of the templates says (on a forge with pull requests).
REVIEW_BODY = """\
Templates of the rule files every MCC agent's prompt is built from: `.mcc/AGENTS.md`
for every agent and `.mcc/<role>.md` for each role. Files the repository had already
are left alone.

Fill them in (or push your own changes to this branch), then merge: the next task's
prompt reads them from the default branch.

Opened by Mission Control Center."""

COMPANY_RULES = """\
# Rules for every agent of this project

Edit this file to tell every agent how this project works; it is read fresh for
every task. Keep it short and concrete.

- Language, frameworks and versions: (fill in)
- How to run the tests: (fill in, e.g. `make test`)
- Code style: follow the existing code; small commits with messages that say why.
- Never commit secrets, generated files or large binaries.
"""

ROLE_RULES: dict[Role, str] = {
    Role.ORCHESTRATOR: "# Orchestrator\n\nHow you want to be briefed, what to ask before "
    "acting, which projects matter most.\n",
    Role.ARCHITECT: "# Architect\n\nHow specs should look here, how small a task should "
    "be, which parts of the code need extra care.\n",
    Role.CODER: "# Coders\n\nConventions for code, tests and commits in this repository.\n",
    Role.TESTER: "# Tester\n\nWhich test commands to run, what must be covered, how to "
    "report a bug.\n",
    Role.REVIEWER: "# Reviewer\n\nWhat a change must meet to be approved here.\n",
}


def templates() -> dict[str, str]:
    """Relative path -> text of every rule file template."""
    files = {".mcc/AGENTS.md": COMPANY_RULES}
    files.update({f".mcc/{role.value}.md": text for role, text in ROLE_RULES.items()})
    return files


def write_templates(root: Path) -> list[str]:
    """Write the templates that are missing under `root`; the paths written."""
    written = []
    for relative, text in templates().items():
        path = root / relative
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(relative)
    return written


@dataclass(frozen=True)
class RulesBranch:
    branch: str
    files: list[str]
    commit: str | None  # None: every file existed already, nothing to review


async def propose_rule_files(repos: LocalRepos, project_id: int, base: str) -> RulesBranch:
    """Commit the missing templates on `mcc/rules-files` (from `base`) for the person to
    review and merge; the files already in the repository are left alone."""
    worktree = await repos.ensure_worktree(project_id, _WORKTREE, RULES_BRANCH, base)
    try:
        written = write_templates(worktree)
        if not written:
            return RulesBranch(RULES_BRANCH, [], None)
        await repos.git.run(["add", "--", *written], worktree)
        await repos.git.run(["commit", "--quiet", "-m", COMMIT_MESSAGE], worktree)
        commit = (await repos.git.run(["rev-parse", "HEAD"], worktree)).strip()
        return RulesBranch(RULES_BRANCH, written, commit)
    finally:
        await repos.remove_worktree(project_id, _WORKTREE)
