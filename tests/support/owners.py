"""An account owning one project, written straight to the database (no API, no repository)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from mcc.models.project import Project
from mcc.models.user import User


async def owner_with_project(session: AsyncSession, email: str, name: str) -> tuple[int, int]:
    """(user id, project id), flushed in the caller's transaction."""
    user = User(email=email, password_hash="-")
    session.add(user)
    await session.flush()
    project = Project(
        name=name,
        slug=name.lower(),
        repo_path=f"/srv/{name.lower()}",
        default_branch="main",
        owner_id=user.id,
        issue_seq=0,
        pull_seq=0,
    )
    session.add(project)
    await session.flush()
    return user.id, project.id
