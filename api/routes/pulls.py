from __future__ import annotations

from fastapi import APIRouter

from api.deps import DbId, ProjectDep, RuntimeDep, SessionDep
from api.schemas.error import ErrorOut
from api.schemas.pull import DiffOut, PullRequestOut
from mcc.issues import pulls_of
from mcc.models.pull_request import PullRequest

router = APIRouter(prefix="/projects/{project_id}/pulls", tags=["pull requests"])


def pull_out(pr: PullRequest, issue_number: int) -> PullRequestOut:
    return PullRequestOut(
        number=pr.number,
        issue_number=issue_number,
        title=pr.title,
        state=pr.state,
        head_branch=pr.head_branch,
        base_branch=pr.base_branch,
        base_sha=pr.base_sha,
        head_sha=pr.head_sha,
        merge_sha=pr.merge_sha,
        ci_state=pr.ci_state,
        ci_summary=pr.ci_summary,
        created_at=pr.created_at,
    )


@router.get("", response_model=list[PullRequestOut])
async def list_pulls(project: ProjectDep, session: SessionDep) -> list[PullRequestOut]:
    return [pull_out(pr, number) for pr, number in await pulls_of(session, project.id)]


@router.get("/{number}/diff", response_model=DiffOut, responses={404: {"model": ErrorOut}})
async def diff(number: DbId, project: ProjectDep, runtime: RuntimeDep) -> DiffOut:
    return DiffOut(number=number, diff=await runtime.forge.diff(project.id, number))
