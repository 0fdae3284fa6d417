"""Issues: per-project numbering and lookup."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.errors import NotFound
from mcc.models.issue import Issue
from mcc.models.project import Project


def issue_workflow_id(project_slug: str, number: int) -> str:
    """The run's id: one run per issue, so a duplicate start is refused by Temporal."""
    return f"issue/{project_slug}/{number}"


async def next_number(session: AsyncSession, column: str, project_id: int) -> int:
    """Bump a per-project counter atomically (UPDATE ... RETURNING on both databases)."""
    counter = getattr(Project, column)
    result = await session.execute(
        update(Project)
        .where(Project.id == project_id)
        .values({counter: counter + 1})
        .returning(counter)
    )
    return int(result.scalar_one())


async def create_issue(
    session: AsyncSession, project: Project, title: str, body: str, origin_key: str | None = None
) -> Issue:
    number = await next_number(session, "issue_seq", project.id)
    issue = Issue(
        project_id=project.id,
        number=number,
        title=title.strip(),
        body=body,
        phase="queued",
        state="open",
        workflow_id=issue_workflow_id(project.slug, number),
        origin_key=origin_key,
    )
    session.add(issue)
    await session.commit()
    return issue


async def create_issue_once(
    session: AsyncSession, project: Project, title: str, body: str, origin_key: str
) -> tuple[Issue, bool]:
    """`create_issue` for a retried tool call: (the issue, whether this call created it)."""
    existing = await session.scalar(select(Issue).where(Issue.origin_key == origin_key))
    if existing is not None:
        return existing, False
    return await create_issue(session, project, title, body, origin_key), True


async def get_issue(session: AsyncSession, project_id: int, number: int) -> Issue:
    issue = await session.scalar(
        select(Issue).where(Issue.project_id == project_id, Issue.number == number)
    )
    if issue is None:
        raise NotFound(f"issue #{number} not found")
    return issue


async def list_issues(session: AsyncSession, project_id: int) -> list[Issue]:
    rows = await session.scalars(
        select(Issue).where(Issue.project_id == project_id).order_by(Issue.number.desc())
    )
    return list(rows.all())


async def set_phase(session: AsyncSession, project_id: int, number: int, phase: str) -> None:
    """One UPDATE, committed: every step of a run records its phase."""
    result = await session.execute(
        update(Issue)
        .where(Issue.project_id == project_id, Issue.number == number)
        .values(phase=phase)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound(f"issue #{number} not found")
    await session.commit()


async def close_issue(session: AsyncSession, issue: Issue, when: datetime) -> None:
    if issue.state != "closed":
        issue.state = "closed"
        issue.closed_at = when
    await session.commit()
