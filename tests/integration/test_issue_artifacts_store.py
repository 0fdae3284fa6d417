"""An issue keeps the newest of each thing its run produced; the step that stores one,
retried, stores the same row again."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from mcc.db.engine import Database
from mcc.issue_artifacts import (
    REVIEW,
    SPEC,
    TEST_REPORT,
    Loops,
    Produced,
    artifacts_of,
    keep,
    keep_loops,
)
from mcc.models.issue import Issue
from mcc.models.issue_artifacts import IssueArtifacts
from mcc.pipeline.steps import TestReport as Report  # not "Test*": pytest would collect it
from tests.support.owners import owner_with_project


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    yield db
    await db.dispose()


async def _keep_each(db: Database, *produced: Produced) -> None:
    for one in produced:
        async with db.sessions() as session:
            await keep(session, one)


async def test_a_retried_step_stores_the_same_row_and_each_kind_replaces_only_its_own(
    db: Database,
) -> None:
    async with db.sessions() as session:
        _, pid = await owner_with_project(session, "kept@example.com", "Kept")
        issue = Issue(project_id=pid, number=1, title="t", phase="testing", workflow_id="i/1")
        session.add(issue)
        await session.commit()
        issue_id = issue.id

    spec = Produced(pid, 1, SPEC, text="# Spec")
    failed = Produced(pid, 1, TEST_REPORT, test_report=Report("make test", False, 2, "1 failed"))
    changes = Produced(pid, 1, REVIEW, "Name it.", verdict="changes")
    await _keep_each(db, spec, spec, failed, failed, changes)  # each step retried once
    async with db.sessions() as session:
        first = await artifacts_of(session, issue_id)
        assert first is not None
        assert (first.spec, first.review, first.review_verdict) == ("# Spec", "Name it.", "changes")
        assert first.test_report == {
            "command": "make test",
            "passed": False,
            "exit_code": 2,
            "output": "1 failed",
        }

    passed = Produced(pid, 1, TEST_REPORT, test_report=Report("make test", True, 0, "ok"))
    approved = Produced(pid, 1, REVIEW, "Good.", verdict="approve")
    await _keep_each(db, passed, approved, approved)
    async with db.sessions() as session:
        rows = await session.scalar(select(func.count()).select_from(IssueArtifacts))
        latest = await artifacts_of(session, issue_id)
    assert rows == 1 and latest is not None
    assert (latest.spec, latest.review, latest.review_verdict) == ("# Spec", "Good.", "approve")
    assert latest.test_report is not None and latest.test_report["passed"] is True


async def test_loop_counts_replace_the_stored_ones_and_leave_what_the_run_produced(
    db: Database,
) -> None:
    async with db.sessions() as session:
        _, pid = await owner_with_project(session, "loops@example.com", "Loops")
        issue = Issue(project_id=pid, number=1, title="t", phase="testing", workflow_id="i/1")
        session.add(issue)
        await session.commit()
        issue_id = issue.id

    async def stored() -> tuple[int, int, int, str | None]:
        async with db.sessions() as session:
            row = await artifacts_of(session, issue_id)
            assert row is not None
            return row.test_loops, row.review_loops, row.rejections, row.spec

    # Counts before anything produced: the row starts with them.
    async with db.sessions() as session:
        await keep_loops(session, pid, 1, Loops(1, 0, 0))
    assert await stored() == (1, 0, 0, None)

    await _keep_each(db, Produced(pid, 1, SPEC, text="# Spec"))
    assert await stored() == (1, 0, 0, "# Spec")  # what is produced leaves the counts

    for _ in range(2):  # the step retried stores the same
        async with db.sessions() as session:
            await keep_loops(session, pid, 1, Loops(2, 2, 1))
    assert await stored() == (2, 2, 1, "# Spec")
