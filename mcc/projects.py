"""Registering projects: a database row plus the project's bare origin, or neither."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.agents.roster import default_agents
from mcc.errors import Conflict, InvalidInput, NotFound
from mcc.forge.local_repos import LocalRepos
from mcc.models.project import Project
from mcc.repo_paths import resolve_repo_path
from mcc.slugs import slugify


class RepoTaken(Conflict):
    code = "repo_taken"

    def __init__(self) -> None:
        # Whose is not said: that would tell one account about another.
        super().__init__("this repository is already registered by another account")


async def create_project(
    session: AsyncSession,
    repos: LocalRepos,
    *,
    name: str,
    repo_path: str,
    init: bool = False,
    owner_id: int | None = None,
    agent_model: str | None = None,
    data_dir: Path | None = None,
    repo_roots: Sequence[Path] = (),
) -> Project:
    """Register `repo_path` (or create it with `init`) as a new project, with its agents.

    The path is stored resolved (symlinks followed) and belongs to one account.
    Everything is undone on failure: no row, no origin, no half-made repository.
    """
    name = name.strip()
    if not name:
        raise InvalidInput("name must not be empty")
    source = resolve_repo_path(repo_path, data_dir=data_dir or repos.root.parent, roots=repo_roots)
    await _claim_path(session, source, owner_id)
    clash = await session.scalar(
        select(Project).where(
            Project.owner_id == owner_id, func.lower(Project.name) == name.lower()
        )
    )
    if clash is not None:
        raise Conflict(f"a project named {clash.name!r} already exists")
    slug = await _free_slug(session, slugify(name))

    created_source = False
    project: Project | None = None
    try:
        if init:
            existed = os.path.exists(source)  # False, not an error, for a bad name
            await repos.init_source(source, name)
            created_source = not existed
        default_branch = await repos.inspect_source(source)
        project = Project(
            name=name,
            slug=slug,
            repo_path=str(source),
            default_branch=default_branch,
            owner_id=owner_id,
            require_spec_approval=False,
            issue_seq=0,
            pull_seq=0,
        )
        session.add(project)
        await session.flush()
        if agent_model:
            session.add_all(default_agents(project.id, agent_model))
        await repos.create_origin(project.id, source)
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        if project is not None and project.id is not None:
            repos.remove_project(project.id)
        raise Conflict(f"a project named {name!r} was just created; try again") from exc
    except BaseException:
        await session.rollback()
        if project is not None and project.id is not None:
            repos.remove_project(project.id)
        if created_source:
            shutil.rmtree(source, ignore_errors=True)
        raise
    return project


async def _claim_path(session: AsyncSession, source: Path, owner_id: int | None) -> None:
    """Refuse a path another account registered (checked under a lock on the path, so
    two accounts registering it at once cannot both pass; SQLite has one writer)."""
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(hashlib.blake2b(str(source).encode(), digest_size=8).digest(), "big")
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key - (1 << 63)})
    others = or_(Project.owner_id.is_(None), Project.owner_id != owner_id)
    taken = await session.scalar(
        select(Project.id).where(Project.repo_path == str(source), others).limit(1)
    )
    if taken is not None:
        raise RepoTaken()


async def get_project(
    session: AsyncSession, project_id: int, owner_id: int | None = None
) -> Project:
    """The project; with `owner_id`, only if that user owns it (else the same 404)."""
    project = await session.get(Project, project_id)
    if project is None or (owner_id is not None and project.owner_id != owner_id):
        raise NotFound(f"project {project_id} not found")
    return project


async def list_projects(session: AsyncSession, owner_id: int) -> list[Project]:
    rows = await session.scalars(
        select(Project).where(Project.owner_id == owner_id).order_by(Project.id)
    )
    return list(rows.all())


async def _free_slug(session: AsyncSession, base: str) -> str:
    """`base`, or `base-2`, `base-3`...: slugs name workflow ids, shared by all users."""
    taken = set(
        (await session.scalars(select(Project.slug).where(Project.slug.like(f"{base}%")))).all()
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def forge_token_context(project_id: int) -> str:
    """Associated data sealing a forge token to its project row."""
    return f"projects.forge_token:{project_id}"
