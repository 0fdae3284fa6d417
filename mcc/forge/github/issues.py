"""GitHub issues as MCC issues: the same number, so the run's id derives from GitHub's issue."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.issues import issue_workflow_id
from mcc.models.issue import Issue
from mcc.models.project import Project

# Hidden in the body of an issue MCC opens for a tool call, so that a retry of the call
# finds that issue instead of opening a second one (a hash: no internal id on GitHub).
_ORIGIN = re.compile(r"\s*<!-- mcc:origin [0-9a-f]+ -->")


def origin_marker(origin_key: str) -> str:
    return f"<!-- mcc:origin {hashlib.sha256(origin_key.encode()).hexdigest()[:32]} -->"


def without_marker(body: str) -> str:
    """The body a person wrote, without MCC's hidden origin marker."""
    return _ORIGIN.sub("", body)


async def ensure_github_issue(
    session: AsyncSession, project: Project, number: int, title: str, body: str
) -> Issue:
    """The MCC issue for GitHub issue `number`, created on first sight (once, however
    many deliveries race): its workflow id is `issue/{slug}/{number}`."""
    found = await _find(session, project.id, number)
    if found is not None:
        return found
    issue = Issue(
        project_id=project.id,
        number=number,
        title=title.strip()[:300] or f"GitHub issue #{number}",
        body=without_marker(body or ""),
        phase="queued",
        state="open",
        workflow_id=issue_workflow_id(project.slug, number),
    )
    session.add(issue)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        found = await _find(session, project.id, number)
        assert found is not None
        return found
    return issue


async def _find(session: AsyncSession, project_id: int, number: int) -> Issue | None:
    return await session.scalar(
        select(Issue).where(Issue.project_id == project_id, Issue.number == number)
    )
