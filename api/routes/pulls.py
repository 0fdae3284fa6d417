from __future__ import annotations

from fastapi import APIRouter

from api.deps import DbId, ProjectDep, RuntimeDep, SessionDep
from api.schemas.error import ErrorOut
from api.schemas.pull import DiffOut, PullRequestOut
from mcc.issues import pulls_of
from mcc.pull_request_view import pull_out

router = APIRouter(prefix="/projects/{project_id}/pulls", tags=["pull requests"])


@router.get("", response_model=list[PullRequestOut])
async def list_pulls(project: ProjectDep, session: SessionDep) -> list[PullRequestOut]:
    return [pull_out(pr, number) for pr, number in await pulls_of(session, project.id)]


@router.get("/{number}/diff", response_model=DiffOut, responses={404: {"model": ErrorOut}})
async def diff(number: DbId, project: ProjectDep, runtime: RuntimeDep) -> DiffOut:
    return DiffOut(number=number, diff=await runtime.forge.diff(project.id, number))
