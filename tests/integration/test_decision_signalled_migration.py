"""Upgrading to decisions that remember their signal: decisions stored before count as
delivered (a failed delivery withdrew its claim), so none is sent to a run again."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from mcc.db.engine import Database
from mcc.db.migrate import alembic_config, upgrade
from mcc.decisions import undelivered
from mcc.models.issue import Issue
from mcc.models.project import Project
from mcc.models.user import User


def _before_signalled_at(url: str) -> str:
    """The revision before the one that added decisions.signalled_at (robust to renumbering)."""
    script = ScriptDirectory.from_config(alembic_config(url))
    adding = next(
        r
        for r in script.walk_revisions()
        if "add_column" in Path(r.path).read_text() and "signalled_at" in Path(r.path).read_text()
    )
    assert isinstance(adding.down_revision, str)
    return adding.down_revision


async def test_decisions_stored_before_the_upgrade_count_as_signalled(database_url):
    await asyncio.to_thread(
        command.downgrade, alembic_config(database_url), _before_signalled_at(database_url)
    )
    db = Database(database_url)
    try:
        async with db.sessions() as session:
            user = User(email="old@example.com", password_hash="x")
            session.add(user)
            await session.flush()
            project = Project(
                owner_id=user.id, name="old", slug="old", repo_path="/r", default_branch="main"
            )
            session.add(project)
            await session.flush()
            issue = Issue(
                project_id=project.id, number=1, title="t", phase="merging", workflow_id="w/1"
            )
            session.add(issue)
            await session.flush()
            await session.execute(
                text(
                    "INSERT INTO decisions (issue_id, round, kind, gate, feedback, created_at)"
                    " VALUES (:issue, 1, 'approve', 'merge', '', '2026-12-06 08:30:00')"
                ),
                {"issue": issue.id},
            )
            await session.commit()
        await db.dispose()  # the schema changes under it

        await asyncio.to_thread(upgrade, database_url)

        db = Database(database_url)
        async with db.sessions() as session:
            assert await undelivered(session) == []
            when = await session.scalar(text("SELECT signalled_at FROM decisions"))
            assert str(when).startswith("2026-12-06 08:30:00")
    finally:
        await db.dispose()
