"""Activities that write to the project's git repository."""

from __future__ import annotations

from temporalio import activity

from activities.heartbeat import heartbeating
from activities.payloads import IssueRef
from mcc.runtime import Runtime
from mcc.specs import commit_issue_spec


class GitActivities:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    @activity.defn(name="commit_issue_spec")
    async def commit_issue_spec(self, issue: IssueRef) -> str:
        """Commit the issue text as `.mcc/specs/{n}.md` on its branch (idempotent)."""
        return await heartbeating(
            commit_issue_spec(
                self.runtime.db, self.runtime.forge, issue.project_id, issue.issue_number
            )
        )
