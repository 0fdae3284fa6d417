"""Registering projects: a database row plus the project's bare origin, or neither."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.errors import Conflict, InvalidInput, NotFound
from mcc.forge.local_repos import LocalRepos
from mcc.models.project import Project
from mcc.slugs import slugify


async def create_project(
    session: AsyncSession,
    repos: LocalRepos,
    *,
    name: str,
    repo_path: str,
    init: bool = False,
    owner_id: int | None = None,
) -> Project:
    """Register `repo_path` (or create it with `init`) as a new project.

    Everything is undone on failure: no row, no origin, no half-made repository.
    """
    name = name.strip()
    if not name:
        raise InvalidInput("name must not be empty")
    source = Path(repo_path).expanduser()
    if not source.is_absolute():
        raise InvalidInput("repo_path must be an absolute path")
    slug = slugify(name)
    clash = await session.scalar(
        select(Project).where(or_(Project.name == name, Project.slug == slug))
    )
    if clash is not None:
        raise Conflict(f"a project named {clash.name!r} already exists")

    created_source = False
    project: Project | None = None
    try:
        if init:
            existed = source.exists()
            await repos.init_source(source, name)
            created_source = not existed
        default_branch = await repos.inspect_source(source)
        project = Project(
            name=name,
            slug=slug,
            repo_path=str(source),
            default_branch=default_branch,
            owner_id=owner_id,
            issue_seq=0,
            pull_seq=0,
        )
        session.add(project)
        await session.flush()
        await repos.create_origin(project.id, source)
        await session.commit()
    except BaseException:
        await session.rollback()
        if project is not None and project.id is not None:
            repos.remove_project(project.id)
        if created_source:
            shutil.rmtree(source, ignore_errors=True)
        raise
    return project


async def get_project(session: AsyncSession, project_id: int) -> Project:
    project = await session.get(Project, project_id)
    if project is None:
        raise NotFound(f"project {project_id} not found")
    return project


async def list_projects(session: AsyncSession) -> list[Project]:
    return list((await session.scalars(select(Project).order_by(Project.id))).all())
