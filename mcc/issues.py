"""Issues: per-project numbering and lookup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mcc.budget.money import ZERO, usd_of_sum
from mcc.errors import NotFound
from mcc.models.issue import Issue
from mcc.models.issue_artifacts import IssueArtifacts
from mcc.models.project import Project
from mcc.models.pull_request import PullRequest
from mcc.models.token_usage import TokenUsage
from mcc.phases import Phase
from mcc.projects import ensure_not_archived


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


class OpensIssues(Protocol):
    """Where a project's issues are numbered: the project's forge (`Forge.open_issue`)."""

    async def open_issue(
        self, project_id: int, title: str, body: str, origin_key: str | None = None
    ) -> int: ...


async def file_issue(
    session: AsyncSession,
    forge: OpensIssues,
    project: Project,
    title: str,
    body: str,
    origin_key: str | None = None,
) -> tuple[Issue, bool]:
    """Open the issue on the project's forge, then store it under the forge's number:
    (the issue, whether this call stored it).

    The forge numbers it so that an issue MCC files on GitHub has GitHub's number, and
    with it the run's id the delivery of that issue derives. `origin_key` (a retried
    tool call) finds the issue an earlier attempt filed. The delivery may store the row
    first (same number): then that row is the issue.
    """
    if origin_key is not None:
        existing = await session.scalar(select(Issue).where(Issue.origin_key == origin_key))
        if existing is not None:
            return existing, False
    ensure_not_archived(project)
    number = await forge.open_issue(project.id, title.strip(), body, origin_key)
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
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        await session.refresh(project)  # the rollback expired it; the caller reads it on
        found = await session.scalar(
            select(Issue).where(Issue.project_id == project.id, Issue.number == number)
        )
        if found is None:
            raise
        return found, False
    return issue, True


async def get_issue(session: AsyncSession, project_id: int, number: int) -> Issue:
    issue = await session.scalar(
        select(Issue).where(Issue.project_id == project_id, Issue.number == number)
    )
    if issue is None:
        raise NotFound(f"issue #{number} not found")
    return issue


async def pull_of(session: AsyncSession, issue: Issue) -> PullRequest:
    """The issue's pull request (one at most), or NotFound."""
    pull = await session.scalar(select(PullRequest).where(PullRequest.issue_id == issue.id))
    if pull is None:
        raise NotFound(f"issue #{issue.number} has no pull request")
    return pull


async def open_pull_on(session: AsyncSession, project_id: int, branch: str) -> PullRequest | None:
    """The open pull request whose head is `branch`, if any (a branch that moved updates it)."""
    return await session.scalar(
        select(PullRequest).where(
            PullRequest.project_id == project_id,
            PullRequest.head_branch == branch,
            PullRequest.state == "open",
        )
    )


async def list_issues(session: AsyncSession, project_id: int) -> list[Issue]:
    rows = await session.scalars(
        select(Issue).where(Issue.project_id == project_id).order_by(Issue.number.desc())
    )
    return list(rows.all())


async def set_phase(
    session: AsyncSession,
    project_id: int,
    number: int,
    phase: str,
    round_: int | None = None,
    error: str | None = None,
) -> None:
    """One UPDATE, committed: every step of a run records its phase, with the error the
    run stopped on if it has one (the issue's page shows it without asking the run).

    With `round_`, the phase is a waiting one of that approval round and is stored
    only while the round is open (a decision claimed meanwhile has set the next phase).
    """
    where = [Issue.project_id == project_id, Issue.number == number]
    if round_ is not None:
        where += [Issue.round == round_, Issue.gate.is_not(None)]
    result = await session.execute(
        update(Issue)
        .where(*where)
        .values(phase=phase, error=error)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0 and round_ is None:  # type: ignore[attr-defined]
        raise NotFound(f"issue #{number} not found")
    await session.commit()


async def close_issue(session: AsyncSession, issue: Issue, when: datetime) -> None:
    if issue.state != "closed":
        issue.state = "closed"
        issue.closed_at = when
    await session.commit()


@dataclass(frozen=True)
class Facts:
    """What an issue's answer needs besides its row: its pull request, its spend, and the
    loop counts its run stored (the list shows them too, where no run is asked)."""

    pull: PullRequest | None = None
    tokens: int = 0
    cost_usd: float = 0.0
    spend_usd: Decimal = ZERO  # exact: what `cost_usd` rounds to a float
    test_loops: int = 0
    review_loops: int = 0
    rejections: int = 0


def _issue_of_task(task_id: str) -> str:
    """`issue/{slug}/{n}` of an issue run's task id (its agent runs add `/agent/label`)."""
    return "/".join(task_id.split("/")[:3])


async def facts_of(session: AsyncSession, project_id: int, issues: list[Issue]) -> dict[int, Facts]:
    """The facts of many issues in three queries (the list is fetched on every event)."""
    pulls = {
        pr.issue_id: pr
        for pr in await session.scalars(
            select(PullRequest).where(PullRequest.project_id == project_id)
        )
    }
    spent: dict[str, tuple[int, Decimal]] = {}
    prefixes = {issue.workflow_id.rsplit("/", 1)[0] for issue in issues}
    for prefix in prefixes:
        rows = await session.execute(
            select(
                TokenUsage.task_id,
                func.sum(TokenUsage.tokens_in + TokenUsage.tokens_out),
                func.sum(TokenUsage.cost_usd),
            )
            # The project too: a deleted project's history keeps its task ids (project NULL).
            .where(TokenUsage.task_id.like(f"{prefix}/%"), TokenUsage.project_id == project_id)
            .group_by(TokenUsage.task_id)
        )
        for task_id, tokens, cost in rows.all():
            key = _issue_of_task(task_id or "")
            before_tokens, before_cost = spent.get(key, (0, ZERO))
            spent[key] = (before_tokens + int(tokens or 0), before_cost + usd_of_sum(cost))
    loops = {
        issue_id: (tests, reviews, rejections)
        for issue_id, tests, reviews, rejections in (
            await session.execute(
                select(
                    IssueArtifacts.issue_id,
                    IssueArtifacts.test_loops,
                    IssueArtifacts.review_loops,
                    IssueArtifacts.rejections,
                ).where(IssueArtifacts.issue_id.in_([issue.id for issue in issues]))
            )
        ).all()
    }
    facts = {}
    for issue in issues:
        tokens, spend = spent.get(issue.workflow_id, (0, ZERO))
        facts[issue.id] = Facts(
            pulls.get(issue.id), tokens, float(spend), spend, *loops.get(issue.id, (0, 0, 0))
        )
    return facts


@dataclass(frozen=True)
class Usage:
    """What one issue's LLM calls used so far: tokens (in + out) and their exact cost."""

    tokens: int = 0
    spend_usd: Decimal = ZERO


async def usage_of(session: AsyncSession, issue: Issue) -> Usage:
    """One issue's tokens and spend so far, from one query (as `facts_of` counts them)."""
    rows = await session.execute(
        select(
            TokenUsage.task_id,
            func.sum(TokenUsage.tokens_in + TokenUsage.tokens_out),
            func.sum(TokenUsage.cost_usd),
        )
        .where(
            TokenUsage.project_id == issue.project_id,
            (TokenUsage.task_id == issue.workflow_id)
            | TokenUsage.task_id.like(f"{issue.workflow_id}/%"),
        )
        .group_by(TokenUsage.task_id)
    )
    # LIKE's `_` matches any character: only the issue's own task ids count.
    own = [
        (tokens, cost)
        for task_id, tokens, cost in rows.all()
        if _issue_of_task(task_id or "") == issue.workflow_id
    ]
    return Usage(
        tokens=sum(int(tokens or 0) for tokens, _ in own),
        spend_usd=sum((usd_of_sum(cost) for _, cost in own), ZERO),
    )


async def spend_of(session: AsyncSession, issue: Issue) -> Decimal:
    """What one issue's LLM calls cost so far, exact (as `facts_of` counts it)."""
    return (await usage_of(session, issue)).spend_usd


async def queued_issues(
    session: AsyncSession, stored_before: datetime | None = None
) -> list[tuple[Issue, Project]]:
    """Open issues whose run has not started (stored while Temporal was unreachable),
    only those stored before `stored_before` if given."""
    query = (
        select(Issue, Project)
        .join(Project, Project.id == Issue.project_id)
        .where(Issue.phase == Phase.QUEUED.value, Issue.state == "open")
    )
    if stored_before is not None:
        query = query.where(Issue.created_at < stored_before)
    rows = await session.execute(query)
    return [(issue, project) for issue, project in rows.all()]


async def pull_request_of(
    session: AsyncSession, project_id: int, number: int
) -> PullRequest | None:
    """Issue `number`'s pull request, if it has one."""
    return await session.scalar(
        select(PullRequest)
        .join(Issue, Issue.id == PullRequest.issue_id)
        .where(Issue.project_id == project_id, Issue.number == number)
    )


async def pulls_of(session: AsyncSession, project_id: int) -> list[tuple[PullRequest, int]]:
    """The project's pull requests with their issues' numbers, newest first."""
    rows = await session.execute(
        select(PullRequest, Issue.number)
        .join(Issue, Issue.id == PullRequest.issue_id)
        .where(PullRequest.project_id == project_id)
        .order_by(PullRequest.number.desc())
    )
    return [(pr, number) for pr, number in rows.all()]


def run_waits_notice(number: int) -> str:
    """What a person who filed issue `number` is told when its run could not start yet
    (a worker starts it once Temporal answers)."""
    return (
        f"Issue #{number} is saved. Its run starts by itself once Temporal is"
        " reachable again; there is no need to file it again."
    )
