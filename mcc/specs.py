"""The planning step until the agents exist: the issue text becomes the spec."""

from __future__ import annotations

from mcc.db.engine import Database
from mcc.forge.local import LocalForge
from mcc.issues import get_issue


def spec_path(number: int) -> str:
    return f".mcc/specs/{number}.md"


async def commit_issue_spec(db: Database, forge: LocalForge, project_id: int, number: int) -> str:
    """Commit the issue's text as its spec on the issue branch; return the commit sha."""
    async with db.sessions() as session:
        issue = await get_issue(session, project_id, number)
    worktree = await forge.issue_worktree(project_id, number)
    content = f"# {issue.title}\n\n{issue.body.rstrip()}\n"
    return await forge.repos.commit_file(
        worktree, spec_path(number), content, f"Spec for #{number}: {issue.title}"
    )
