"""Registering projects: a database row plus the project's bare origin, or neither."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import delete, func, select, text, union
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.agents.roster import default_agents
from mcc.agents.rules_files import templates as rule_file_templates
from mcc.errors import Conflict, InvalidInput, NotFound
from mcc.forge.local_repos import LocalRepos
from mcc.models.conversation import Conversation
from mcc.models.issue import Issue
from mcc.models.project import Project
from mcc.models.retired_slug import RetiredSlug
from mcc.phases import Phase
from mcc.repo_paths import resolve_repo_path
from mcc.slugs import slugify


class RepoTaken(Conflict):
    code = "repo_taken"

    def __init__(self) -> None:
        # Whose is not said: that would tell one account about another.
        super().__init__("this repository is already registered by another account")


class RepoRegistered(Conflict):
    code = "repo_registered"

    def __init__(self, name: str) -> None:
        # Each project publishes its merges into the repository as refs/remotes/mcc/<branch>.
        super().__init__(
            f"this repository is already your project {name!r}; two projects on one"
            " repository would overwrite each other's merges in it (refs/remotes/mcc/)"
        )


class ProjectArchived(Conflict):
    code = "project_archived"

    def __init__(self, name: str) -> None:
        super().__init__(
            f"project {name!r} is archived and takes no new issues or runs; unarchive it first"
        )


class RunsActive(Conflict):
    code = "runs_active"


def ensure_not_archived(project: Project) -> None:
    """Refuse new work for an archived project (its history stays readable)."""
    if project.archived:
        raise ProjectArchived(project.name)


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
            await repos.init_source(source, name, rule_file_templates())
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
    """Refuse a path already registered, by another account or as another of this
    account's projects (checked under a lock on the path, so two registrations at once
    cannot both pass; SQLite has one writer)."""
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(hashlib.blake2b(str(source).encode(), digest_size=8).digest(), "big")
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key - (1 << 63)})
    taken = (
        await session.execute(
            select(Project.name, Project.owner_id).where(Project.repo_path == str(source)).limit(1)
        )
    ).first()
    if taken is None:
        return
    if owner_id is None or taken.owner_id != owner_id:
        raise RepoTaken()
    raise RepoRegistered(taken.name)


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


async def rename_project(session: AsyncSession, project: Project, name: str) -> None:
    """Give the project a new name (unique per owner, case-insensitively); the slug stays,
    since it names the project's workflow ids and branches."""
    name = name.strip()
    if not name:
        raise InvalidInput("name must not be empty")
    clash = await session.scalar(
        select(Project).where(
            Project.owner_id == project.owner_id,
            func.lower(Project.name) == name.lower(),
            Project.id != project.id,
        )
    )
    if clash is not None:
        raise Conflict(f"a project named {clash.name!r} already exists; pick another name")
    project.name = name


async def active_work(session: AsyncSession, project_id: int) -> tuple[list[int], int]:
    """What still runs in a project: the numbers of issues whose run has not ended, and
    the count of agent runs (tasks, inbox answers) whose conversation is still open."""
    final = [phase.value for phase in Phase if phase.is_final]
    issues = await session.scalars(
        select(Issue.number)
        .where(Issue.project_id == project_id, Issue.phase.not_in(final))
        .order_by(Issue.number)
    )
    agent_runs = await session.scalar(
        select(func.count())
        .select_from(Conversation)
        .where(
            Conversation.project_id == project_id,
            Conversation.status == "open",
            Conversation.run_id.is_not(None),
            Conversation.kind.in_(("task", "inbox")),
        )
    )
    return list(issues.all()), int(agent_runs or 0)


async def delete_project(session: AsyncSession, repos: LocalRepos, project: Project) -> None:
    """Remove the project's rows (issues, pull requests, agents, conversations, limits:
    by cascade) and MCC's bare mirror and worktrees; refused while anything runs.

    The repository it was registered from is the person's and is left alone; the spend
    history (token usage, ledger) outlives the project. Its slug is retired, never reused.
    """
    issues, agent_runs = await active_work(session, project.id)
    if issues or agent_runs:
        parts = []
        if issues:
            numbers = ", ".join(f"#{n}" for n in issues[:5]) + (", ..." if len(issues) > 5 else "")
            parts.append(f"{len(issues)} issue run{'s' if len(issues) != 1 else ''} ({numbers})")
        if agent_runs:
            parts.append(f"{agent_runs} agent run{'s' if agent_runs != 1 else ''}")
        raise RunsActive(
            f"project {project.name!r} still has {' and '.join(parts)} in progress;"
            " cancel them or let them finish, then delete it"
        )
    project_id = project.id
    session.add(RetiredSlug(slug=project.slug))
    # The children go by ON DELETE CASCADE (PostgreSQL; SQLite runs with foreign_keys=ON).
    await session.execute(delete(Project).where(Project.id == project_id))
    await session.commit()
    repos.remove_project(project_id)


async def _free_slug(session: AsyncSession, base: str) -> str:
    """`base`, or `base-2`, `base-3`...: slugs name workflow ids, shared by all users
    (and a deleted project's slug stays taken: Temporal keeps its workflow ids)."""
    like = f"{base}%"
    taken = set(
        await session.scalars(
            union(
                select(Project.slug).where(Project.slug.like(like)),
                select(RetiredSlug.slug).where(RetiredSlug.slug.like(like)),
            )
        )
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
