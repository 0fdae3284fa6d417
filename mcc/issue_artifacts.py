"""What an issue's run produced that its page shows: the spec, the latest test report, the
latest review, and how many rounds of tests, review and rejection it has gone through.

The run keeps them in its `status` query too, but a query needs a worker to answer and a
run Temporal still holds (its namespace deletes a run's history some time after it ends):
stored as the run produces them, they stay on the page whatever becomes of the run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mcc.budget.store import insert_or_merge
from mcc.issues import get_issue
from mcc.models.issue_artifacts import IssueArtifacts
from mcc.pipeline.steps import TestReport

SPEC, TEST_REPORT, REVIEW = "spec", "test_report", "review"


@dataclass(frozen=True)
class Produced:
    """One thing issue `issue_number`'s run produced; it replaces the one of its `kind`."""

    project_id: int
    issue_number: int
    kind: str  # SPEC | TEST_REPORT | REVIEW
    text: str | None = None  # the spec, or the review (None: the agent wrote none)
    test_report: TestReport | None = None
    verdict: str | None = None  # the review's: approve | changes


@dataclass(frozen=True)
class Loops:
    """The run's loop counts at one step: they only grow within a run, and each step that
    stores them carries all three, so the newest stored is the run's latest."""

    test_loops: int = 0
    review_loops: int = 0
    rejections: int = 0


def _columns(produced: Produced) -> dict[str, Any]:
    if produced.kind == SPEC:
        return {"spec": produced.text}
    if produced.kind == TEST_REPORT:
        report = produced.test_report
        return {"test_report": asdict(report) if report is not None else None}
    if produced.kind == REVIEW:
        return {"review": produced.text, "review_verdict": produced.verdict}
    raise ValueError(f"unknown kind of artifact: {produced.kind!r}")


async def keep(session: AsyncSession, produced: Produced) -> None:
    """Store it over the issue's previous one of its kind (the same twice: the same row)."""
    await _store(session, produced.project_id, produced.issue_number, _columns(produced))


async def keep_loops(session: AsyncSession, project_id: int, number: int, loops: Loops) -> None:
    """Store the run's loop counts over the ones stored before (the same twice: the same)."""
    await _store(session, project_id, number, asdict(loops))


async def _store(
    session: AsyncSession, project_id: int, number: int, columns: dict[str, Any]
) -> None:
    """Upsert these columns of the issue's row, leaving the others as they are; committed."""
    issue = await get_issue(session, project_id, number)
    statement = insert_or_merge(await session.connection(), IssueArtifacts).values(
        issue_id=issue.id, **columns
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["issue_id"],
            set_={name: getattr(statement.excluded, name) for name in columns},
        )
    )
    await session.commit()


async def artifacts_of(session: AsyncSession, issue_id: int) -> IssueArtifacts | None:
    """What the issue's run has stored so far (None before its spec)."""
    return await session.get(IssueArtifacts, issue_id)
