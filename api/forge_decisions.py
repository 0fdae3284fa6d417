"""A person's decision made on a forge (a GitHub review) reaches the run here, and only here.

It goes through the very function the dashboard's approve and reject buttons call
(`api.runs.decide_issue`), so the same rules hold for both: one decision per
approval round, bound to the commit the person reviewed.
"""

from __future__ import annotations

from temporalio.client import Client

from api import runs
from mcc.db.engine import Database
from mcc.errors import Conflict
from mcc.models.issue import Issue
from mcc.phases import Phase


async def decide_from_forge(
    client: Client,
    db: Database,
    issue_id: int,
    approve: bool,
    feedback: str,
    reviewed_head: str | None,
) -> str | None:
    """Approve, or reject with `feedback`, the open round on `reviewed_head`; None when it
    was decided, else why not (another decision took the round, the head moved...)."""
    async with db.sessions() as session:
        issue = await session.get(Issue, issue_id)
        if issue is None:
            return "the run is not waiting for a decision"
        if issue.phase != Phase.AWAITING_APPROVAL.value:
            # Decided already: if by a process that stopped before telling the run, the
            # run gets that decision now (a redelivered review must not leave it waiting).
            await runs.resend_decisions(client, session, issue.id)
            return "the run is not waiting for a decision"
        try:
            await runs.decide_issue(
                client,
                session,
                issue,
                "approve" if approve else "reject",
                issue.round,
                reviewed_head or issue.head_sha,
                feedback,
            )
        except Conflict as exc:
            return exc.message
    return None
