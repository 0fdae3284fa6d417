"""Registering a GitHub repository as a project: checked, mirrored, or nothing at all.

MCC keeps working in its own bare origin (`{data}/repos/{id}/origin.git`), a
mirror of the GitHub repository; its token goes to each git command through the
environment (`http.extraHeader`), never into a remote URL or a config file.
"""

from __future__ import annotations

import re
import shutil

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.agents.roster import default_agents
from mcc.errors import Conflict, InvalidInput
from mcc.forge.errors import ForgeNoAccess
from mcc.forge.github.api import Credentials, git_auth
from mcc.forge.github.forge import GitHubForge
from mcc.models.project import Project
from mcc.projects import _free_slug, forge_token_context
from mcc.slugs import slugify

_REPO = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")


async def create_github_project(
    session: AsyncSession,
    github: GitHubForge,
    *,
    name: str,
    repo: str,
    token: str | None,
    owner_id: int | None,
    agent_model: str | None,
    trigger_label: str | None = None,
) -> Project:
    """Check access to `repo`, mirror it, and store the project; undone on any failure."""
    name = name.strip()
    if not name:
        raise InvalidInput("name must not be empty")
    if not _REPO.match(repo) or repo.endswith((".", ".git")):
        raise InvalidInput(f"{repo!r} is not a GitHub repository name (owner/name)")
    clash = await session.scalar(
        select(Project).where(
            Project.owner_id == owner_id, func.lower(Project.name) == name.lower()
        )
    )
    if clash is not None:
        raise Conflict(f"a project named {clash.name!r} already exists")

    api = github.api
    if token:
        credentials = Credentials(personal_token=token)
    else:
        credentials = Credentials(installation_id=await api.installation_for(repo))
    gh = await api.github(credentials)
    found = await api.call(f"reading {repo}", lambda: gh.get_repo(repo))
    permissions = found.permissions
    if token and (permissions is None or not permissions.push):
        raise ForgeNoAccess(f"the token can read {repo} but not push to it (needs write access)")

    project: Project | None = None
    try:
        project = Project(
            name=name,
            slug=await _free_slug(session, slugify(name)),
            repo_path=found.clone_url,
            default_branch=found.default_branch,
            owner_id=owner_id,
            forge="github",
            github_repo=found.full_name,
            github_installation_id=credentials.installation_id,
            trigger_label=trigger_label or github.settings.github_trigger_label,
            require_spec_approval=False,
            issue_seq=0,
            pull_seq=0,
        )
        session.add(project)
        await session.flush()
        if token:
            project.forge_token_enc = github.keys.secrets.seal(
                token, forge_token_context(project.id)
            )
        if agent_model:
            session.add_all(default_agents(project.id, agent_model))
        await _mirror(github, project, git_auth(await api.token(credentials)))
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        if project is not None and project.id is not None:
            github.repos.remove_project(project.id)
        raise Conflict(f"a project named {name!r} was just created; try again") from exc
    except BaseException:
        await session.rollback()
        if project is not None and project.id is not None:
            github.repos.remove_project(project.id)
        raise
    return project


async def _mirror(github: GitHubForge, project: Project, config: list[tuple[str, str]]) -> None:
    origin = github.repos.origin(project.id)
    if origin.exists():
        shutil.rmtree(origin)
    origin.parent.mkdir(parents=True, exist_ok=True)
    await github.repos.git.run(
        ["clone", "--quiet", "--bare", project.repo_path, str(origin)],
        origin.parent,
        config=config,
    )
