"""Upgrading to decisions that remember their signal: decisions stored before count as
delivered (a failed delivery withdrew its claim), so none is sent to a run again."""

from __future__ import annotations

import asyncio

from alembic import command
from sqlalchemy import text

from mcc.db.engine import Database
from mcc.db.migrate import alembic_config, upgrade
from mcc.decisions import undelivered
from mcc.models.project import Project
from mcc.models.user import User
from tests.support.migrations import revision_before


async def test_decisions_stored_before_the_upgrade_count_as_signalled(database_url):
    await asyncio.to_thread(
        command.downgrade,
        alembic_config(database_url),
        revision_before(database_url, "add_column", "signalled_at"),
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
            # In SQL, not the model: the model has the columns of migrations after this one.
            issue_id = await session.scalar(
                text(
                    "INSERT INTO issues (project_id, number, title, body, phase, state,"
                    " workflow_id, round, created_at) VALUES (:project, 1, 't', '', 'merging',"
                    " 'open', 'w/1', 0, '2026-12-06 08:00:00') RETURNING id"
                ),
                {"project": project.id},
            )
            await session.execute(
                text(
                    "INSERT INTO decisions (issue_id, round, kind, gate, feedback, created_at)"
                    " VALUES (:issue, 1, 'approve', 'merge', '', '2026-12-06 08:30:00')"
                ),
                {"issue": issue_id},
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
