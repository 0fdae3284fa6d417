"""Activities on the forge: open, merge and close the issue's pull request."""

from __future__ import annotations

from temporalio import activity

from activities.errors import domain_errors
from activities.forge_errors import forge_posture
from activities.heartbeat import heartbeating
from activities.payloads import IssueRef, PullOutcome
from mcc.forge.base import ChecksReport, PullRef
from mcc.runtime import Runtime


def _outcome(ref: PullRef) -> PullOutcome:
    return PullOutcome(
        number=ref.number, state=ref.state, head_sha=ref.head_sha, merge_sha=ref.merge_sha
    )


class ForgeActivities:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    @activity.defn(name="open_pull_request")
    @domain_errors
    @forge_posture
    async def open_pull_request(self, issue: IssueRef) -> PullOutcome:
        ref = await self.runtime.forge.open_pull_request(issue.project_id, issue.issue_number)
        return _outcome(ref)

    @activity.defn(name="merge_pull_request")
    @domain_errors
    @forge_posture
    async def merge_pull_request(
        self, issue: IssueRef, approved_head: str | None = None
    ) -> PullOutcome:
        """Merge (only `approved_head`, when given); a conflict or a moved head is not
        retried: the workflow decides what happens next."""
        ref = await heartbeating(
            self.runtime.forge.merge_pull_request(
                issue.project_id, issue.issue_number, approved_head
            )
        )
        return _outcome(ref)

    @activity.defn(name="close_pull_request")
    @domain_errors
    @forge_posture
    async def close_pull_request(self, issue: IssueRef) -> PullOutcome | None:
        ref = await self.runtime.forge.close_pull_request(issue.project_id, issue.issue_number)
        return _outcome(ref) if ref is not None else None

    @activity.defn(name="read_checks")
    @domain_errors
    @forge_posture
    async def read_checks(self, issue: IssueRef) -> ChecksReport:
        """The repository's CI on the pull request's head, as it is now (no waiting here:
        the workflow waits between reads, woken by check events)."""
        return await self.runtime.forge.read_checks(issue.project_id, issue.issue_number)
