"""Whether this process sees the repositories the database's projects were given.

Every api and worker process of one deployment works in the same data dir (one
directory, or one volume): the API clones a registered project's repository there and
the workers' steps commit into it. A worker given another one (MCC_DATA_DIR unset and
started from another directory, a volume not mounted) fails every run at its first git
step, once per retry, while the issue still shows "queued"; said at start instead.
"""

from __future__ import annotations

from sqlalchemy import select

from mcc.config import Settings
from mcc.db.engine import Database
from mcc.forge.local_repos import LocalRepos
from mcc.git.runner import Git
from mcc.models.project import Project


async def missing_repositories(settings: Settings, db: Database) -> str | None:
    """None when there are no projects or at least one's repository is here; else the
    sentence to stop on (one missing of several may be a project half deleted)."""
    async with db.sessions() as session:
        ids = list(await session.scalars(select(Project.id)))
    repos = LocalRepos(settings.repos_dir, Git())
    if not ids or any(repos.origin(project_id).is_dir() for project_id in ids):
        return None
    return (
        f"None of the {len(ids)} projects' repositories is in this process's data dir"
        f" {settings.resolved_data_dir} (looked in {settings.repos_dir}): every api and"
        " worker process must share one MCC_DATA_DIR (the same directory, or the same"
        " volume), or runs fail at their first git step."
    )
