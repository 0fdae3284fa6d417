"""Upgrading to approval rounds: an issue waiting at upgrade time can be decided at once."""

from __future__ import annotations

import asyncio

from alembic import command
from sqlalchemy import text

from mcc.db.engine import Database
from mcc.db.migrate import alembic_config, upgrade
from mcc.decisions import claim_decision
from mcc.models.issue import Issue
from mcc.models.project import Project
from mcc.models.user import User


async def test_runs_waiting_at_upgrade_get_round_one_and_take_one_decision(database_url):
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
            for number, phase in enumerate(["awaiting_approval", "needs_attention", "coding"], 1):
                session.add(
                    Issue(
                        project_id=project.id,
                        number=number,
                        title=phase,
                        phase=phase,
                        workflow_id=f"issue/old/{number}",
                    )
                )
            await session.commit()
        await db.dispose()  # the schema changes under it

        # Back to the release before rounds, then up again as an upgrade would.
        await asyncio.to_thread(command.downgrade, alembic_config(database_url), "0005")
        await asyncio.to_thread(upgrade, database_url)

        db = Database(database_url)
        async with db.sessions() as session:
            rows = await session.execute(
                text("SELECT number, round, gate, head_sha FROM issues ORDER BY number")
            )
            assert [tuple(row) for row in rows] == [
                (1, 1, "merge", None),
                (2, 1, "attention", None),
                (3, 0, None, None),
            ]
            waiting = await session.scalar(text("SELECT id FROM issues WHERE number = 1"))
            decision = await claim_decision(session, waiting, "approve", 1, None)
            assert (decision.round, decision.kind, decision.gate) == (1, "approve", "merge")
            phase = await session.scalar(text("SELECT phase FROM issues WHERE number = 1"))
            assert phase == "merging"
    finally:
        await db.dispose()
