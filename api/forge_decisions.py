"""A person's decision made on a forge (a GitHub review) reaches the run here, and only here.

It goes through the very functions the dashboard's approve and reject buttons
call (`api.runs`), so the same rules hold for both; rewire this one place when
those rules change.
"""

from __future__ import annotations

from temporalio.client import Client

from api import runs
from mcc.models.issue import Issue


async def decide_from_forge(client: Client, issue: Issue, approve: bool, feedback: str) -> None:
    """Approve, or reject with `feedback`, as if the owner pressed the button."""
    if approve:
        await runs.approve_issue(client, issue)
    else:
        await runs.reject_issue(client, issue, feedback)
