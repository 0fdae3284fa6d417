"""The rules editor: a project's `.mcc/*.md` rule files as its default branch has them, and
an edit committed straight onto that branch, so the very next task's prompt reads it.

Straight to the branch, not on a branch for review: the person is the reviewer of their own
words, and an edit that waits for a merge would leave the next task on the old rules. Edits
are optimistic: each names the blob it started from, and a file changed meanwhile (another
tab, a merged pull request) is refused rather than overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass

from mcc.agents.prompts import MAX_FILE_CHARS
from mcc.agents.roles import Role
from mcc.agents.rules_files import templates
from mcc.errors import Conflict, GitFailed, InvalidInput, NotFound
from mcc.forge.local_repos import LocalRepos, RefMoved

COMPANY_FILE = "AGENTS.md"
# The editable files by name, in the order a person reads them; nothing else is reachable.
RULE_FILE_ROLES: dict[str, Role | None] = {
    COMPANY_FILE: None,
    **{f"{role.value}.md": role for role in Role},
}
# What an agent's prompt takes of a rule file: a longer file would be cut unseen.
MAX_RULE_FILE_CHARS = MAX_FILE_CHARS
_ATTEMPTS = 5  # other commits landing on the branch mid-save (merges): rebuild on the new tip


@dataclass(frozen=True)
class RuleFile:
    name: str  # "AGENTS.md", "coder.md"
    path: str  # ".mcc/coder.md"
    role: Role | None  # None: every agent reads it
    content: str | None  # None: not in the repository yet
    sha: str | None  # the blob an edit starts from (None: the file does not exist)
    template: str  # what `init` writes: a start for a file that is missing


@dataclass(frozen=True)
class RuleFiles:
    branch: str
    commit: str
    files: list[RuleFile]


def rule_path(name: str) -> str:
    if name not in RULE_FILE_ROLES:
        raise NotFound(f"{name!r} is not one of the rule files ({', '.join(RULE_FILE_ROLES)})")
    return f".mcc/{name}"


async def _tip(repos: LocalRepos, project_id: int, branch: str) -> str:
    try:
        return await repos.rev(project_id, f"refs/heads/{branch}")
    except GitFailed:
        raise Conflict(f"the default branch {branch!r} has no commit yet") from None


async def _read(repos: LocalRepos, project_id: int, commit: str, name: str) -> RuleFile:
    path = rule_path(name)
    sha = await repos.blob_at(project_id, commit, path)
    content = None
    if sha is not None:
        content = await repos.git.run(["cat-file", "blob", sha], repos.origin(project_id))
    return RuleFile(name, path, RULE_FILE_ROLES[name], content, sha, templates()[path])


async def read_rule_files(repos: LocalRepos, project_id: int, branch: str) -> RuleFiles:
    """Every rule file as `branch` has it now (missing ones with no content)."""
    commit = await _tip(repos, project_id, branch)
    files = [await _read(repos, project_id, commit, name) for name in RULE_FILE_ROLES]
    return RuleFiles(branch, commit, files)


async def save_rule_file(
    repos: LocalRepos,
    project_id: int,
    branch: str,
    name: str,
    content: str,
    *,
    base_sha: str | None,
    editor: str,
) -> tuple[RuleFile, str]:
    """Commit `content` as rule file `name` on `branch`; the file and the branch's new tip.

    `base_sha` is the blob the edit started from (None: the file did not exist); another
    version on the branch now is a Conflict, in a sentence the person can act on.
    """
    path = rule_path(name)
    if len(content) > MAX_RULE_FILE_CHARS:
        raise InvalidInput(
            f"A rule file can be at most {MAX_RULE_FILE_CHARS:,} characters "
            f"(this one has {len(content):,}): agents would not read the rest."
        )
    try:
        data = content.encode()
    except UnicodeEncodeError:
        raise InvalidInput(
            "The text has characters that cannot be saved (broken Unicode)."
        ) from None
    for _ in range(_ATTEMPTS):
        tip = await _tip(repos, project_id, branch)
        current = await repos.blob_at(project_id, tip, path)
        if current != base_sha:
            raise Conflict(
                f"{path} changed on {branch} since you opened it (another tab or a merge): "
                "reload it, then apply your edit again."
            )
        unchanged = (
            current is not None
            and (
                await repos.git.run(
                    ["hash-object", "--stdin"], repos.origin(project_id), stdin=data
                )
            ).strip()
            == current
        )
        if unchanged:
            return await _read(repos, project_id, tip, name), tip
        message = f"Edit {path} (rules editor, by {editor})"
        try:
            commit = await repos.commit_file(project_id, branch, tip, path, data, message)
        except RefMoved:
            continue  # a merge landed meanwhile: check the file again on the new tip
        return await _read(repos, project_id, commit, name), commit
    raise Conflict(f"{branch} kept moving while {path} was being saved; try again")
