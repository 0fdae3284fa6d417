from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import ProjectDep, RuntimeDep, SessionDep
from api.schemas.error import ErrorOut
from api.schemas.project import ProjectCreate, ProjectOut
from mcc.projects import create_project, list_projects

router = APIRouter(prefix="/projects", tags=["projects"])


@router.get("", response_model=list[ProjectOut])
async def list_all(session: SessionDep) -> list[ProjectOut]:
    return [ProjectOut.model_validate(p) for p in await list_projects(session)]


@router.post(
    "",
    response_model=ProjectOut,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
async def register(body: ProjectCreate, session: SessionDep, runtime: RuntimeDep) -> ProjectOut:
    """Register an existing git repository, or create one with `init: true`."""
    project = await create_project(
        session, runtime.repos, name=body.name, repo_path=body.repo_path, init=body.init
    )
    return ProjectOut.model_validate(project)


@router.get("/{project_id}", response_model=ProjectOut, responses={404: {"model": ErrorOut}})
async def get_one(project: ProjectDep) -> ProjectOut:
    return ProjectOut.model_validate(project)
