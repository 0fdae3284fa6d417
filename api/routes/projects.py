from __future__ import annotations

from fastapi import APIRouter, Response, status
from sqlalchemy.exc import IntegrityError

from api.deps import CurrentUser, ProjectDep, RuntimeDep, SessionDep
from api.schemas.error import ErrorOut
from api.schemas.project import ProjectCreate, ProjectOut, ProjectUpdate
from mcc.errors import Conflict, InvalidInput
from mcc.event_payloads import ProjectRemovedEvent
from mcc.events import EventSink, user_room
from mcc.forge.github.registration import create_github_project
from mcc.models.project import Project
from mcc.projects import (
    create_project,
    delete_project,
    forge_token_context,
    list_projects,
    rename_project,
)

router = APIRouter(prefix="/projects", tags=["projects"])


def project_out(project: Project) -> ProjectOut:
    return ProjectOut(
        id=project.id,
        name=project.name,
        slug=project.slug,
        repo_path=project.repo_path,
        default_branch=project.default_branch,
        has_forge_token=project.forge_token_enc is not None,
        forge=project.forge,
        github_repo=project.github_repo,
        trigger_label=project.trigger_label,
        test_command=project.test_command,
        require_spec_approval=project.require_spec_approval,
        archived=project.archived,
        ignore_ci=project.ignore_ci,
        created_at=project.created_at,
    )


async def announce(events: EventSink, owner_id: int, out: ProjectOut) -> ProjectOut:
    """`project` to the owner's room: their other tabs add or update it without asking."""
    await events.emit("project", out.model_dump(mode="json"), user_room(owner_id))
    return out


@router.get("", response_model=list[ProjectOut])
async def list_all(session: SessionDep, user: CurrentUser) -> list[ProjectOut]:
    return [project_out(p) for p in await list_projects(session, user.id)]


@router.post(
    "",
    response_model=ProjectOut,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
async def register(
    body: ProjectCreate, session: SessionDep, runtime: RuntimeDep, user: CurrentUser
) -> ProjectOut:
    """Register an existing git repository, create one with `init: true`, or mirror a
    GitHub repository (`github: {"repo": "owner/name"}`)."""
    if body.github is not None:
        token = body.github.token.get_secret_value() if body.github.token else None
        github_project = await create_github_project(
            session,
            runtime.github,
            name=body.name,
            repo=body.github.repo,
            token=token or None,
            owner_id=user.id,
            agent_model=runtime.settings.agent_default_model,
            trigger_label=body.github.trigger_label,
        )
        return project_out(github_project)
    project = await create_project(
        session,
        runtime.repos,
        name=body.name,
        repo_path=body.repo_path,
        init=body.init,
        owner_id=user.id,
        agent_model=runtime.settings.agent_default_model,
        data_dir=runtime.settings.resolved_data_dir,
        repo_roots=runtime.settings.repo_roots,
    )
    if body.forge_token is not None and body.forge_token.get_secret_value():
        project.forge_token_enc = runtime.keys.secrets.seal(
            body.forge_token.get_secret_value(), forge_token_context(project.id)
        )
        await session.commit()
    return await announce(runtime.events, user.id, project_out(project))


@router.get("/{project_id}", response_model=ProjectOut, responses={404: {"model": ErrorOut}})
async def get_one(project: ProjectDep) -> ProjectOut:
    return project_out(project)


@router.patch(
    "/{project_id}",
    response_model=ProjectOut,
    responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}},
)
async def update(
    body: ProjectUpdate,
    project: ProjectDep,
    session: SessionDep,
    runtime: RuntimeDep,
    user: CurrentUser,
) -> ProjectOut:
    """Rename, archive or unarchive, and change the project's options."""
    if body.trigger_label is not None and project.forge != "github":
        raise InvalidInput("Only a GitHub project has a trigger label.")
    if body.name is not None:
        await rename_project(session, project, body.name)
    if body.archived is not None:
        project.archived = body.archived
    if body.forge_token is not None:
        token = body.forge_token.get_secret_value()
        project.forge_token_enc = (
            runtime.keys.secrets.seal(token, forge_token_context(project.id)) if token else None
        )
    if body.test_command is not None:
        project.test_command = body.test_command.strip() or None
    if body.require_spec_approval is not None:
        project.require_spec_approval = body.require_spec_approval
    if body.ignore_ci is not None:
        project.ignore_ci = body.ignore_ci
    if body.trigger_label is not None:
        project.trigger_label = body.trigger_label
    try:
        await session.commit()
    except IntegrityError as exc:  # the same name taken by a request in the same instant
        await session.rollback()
        name = (body.name or "").strip()
        raise Conflict(f"a project named {name!r} was just taken; pick another name") from exc
    return await announce(runtime.events, user.id, project_out(project))


@router.delete(
    "/{project_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}},
)
async def remove(
    project: ProjectDep, session: SessionDep, runtime: RuntimeDep, user: CurrentUser
) -> Response:
    """Delete the project, its issues, agents and conversations, and MCC's mirror of its
    repository (the repository itself is left alone); 409 while any run is in progress."""
    project_id = project.id
    await delete_project(session, runtime.repos, project)
    await runtime.events.emit(
        "project_removed",
        ProjectRemovedEvent(project_id=project_id).model_dump(mode="json"),
        user_room(user.id),
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
