"""Whose a row is, for rows reached through their project (agents, conversations)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from mcc.models.project import Project


async def owns_project(session: AsyncSession, project_id: int, owner_id: int) -> bool:
    """True when `owner_id` owns the project; anything else answers the same 404."""
    project = await session.get(Project, project_id)
    return project is not None and project.owner_id == owner_id
