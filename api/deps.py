"""Cross-cutting request dependencies as `Annotated` aliases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from api.temporal_link import TemporalLink
from mcc.issues import get_issue
from mcc.models.issue import Issue
from mcc.models.project import Project
from mcc.projects import get_project
from mcc.runtime import Runtime


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_temporal(request: Request) -> TemporalLink:
    link: TemporalLink = request.app.state.temporal
    return link


async def get_session(
    runtime: Annotated[Runtime, Depends(get_runtime)],
) -> AsyncIterator[AsyncSession]:
    async with runtime.db.sessions() as session:
        yield session


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
TemporalDep = Annotated[TemporalLink, Depends(get_temporal)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def load_project(project_id: int, session: SessionDep) -> Project:
    return await get_project(session, project_id)


ProjectDep = Annotated[Project, Depends(load_project)]


async def load_issue(number: int, project: ProjectDep, session: SessionDep) -> Issue:
    return await get_issue(session, project.id, number)


IssueDep = Annotated[Issue, Depends(load_issue)]
