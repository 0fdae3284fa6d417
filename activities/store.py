"""Activities that record a run's progress where the person can see it."""

from __future__ import annotations

from temporalio import activity

from activities.payloads import IssueRef, PhaseChange, RoundOpening
from mcc.conversations import finish_run_conversation
from mcc.decisions import Round, open_round
from mcc.events import project_room
from mcc.issues import get_issue, set_phase
from mcc.notifications import notify_needs_attention
from mcc.phases import Phase
from mcc.runtime import Runtime


class StoreActivities:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    @activity.defn(name="record_phase")
    async def record_phase(self, change: PhaseChange) -> None:
        """Store the phase on the issue row and push `task_progress` to the project's room."""
        async with self.runtime.db.sessions() as session:
            project_id, number = change.issue.project_id, change.issue.issue_number
            await set_phase(session, project_id, number, change.phase, change.round)
            if Phase(change.phase).is_final:
                await finish_run_conversation(session, change.issue.workflow_id, change.phase)
            if change.phase == Phase.NEEDS_ATTENTION.value and change.round is None:
                await self._notify_attention(change.issue)
        await self._progress(change.issue, change.phase, change.percent)

    @activity.defn(name="open_round")
    async def open_round(self, opening: RoundOpening) -> str | None:
        """Open an approval round on the branch's head and show it waiting; returns the head."""
        issue = opening.issue
        head = None
        if opening.branch and await self.runtime.repos.branch_exists(
            issue.project_id, opening.branch
        ):
            head = await self.runtime.repos.rev(issue.project_id, opening.branch)
        opened = Round(
            issue.project_id,
            issue.issue_number,
            opening.number,
            opening.gate,
            head,
            opening.resume_phase,
        )
        async with self.runtime.db.sessions() as session:
            await open_round(session, opened)
            if opening.gate == "attention":
                await self._notify_attention(issue)
        await self._progress(issue, opened.phase, opening.percent)
        return head

    async def _notify_attention(self, issue: IssueRef) -> None:
        info = activity.info()
        async with self.runtime.db.sessions() as session:
            await notify_needs_attention(
                session,
                self.runtime.events,
                await get_issue(session, issue.project_id, issue.issue_number),
                dedupe=f"needs_attention:{info.workflow_run_id}:{info.activity_id}",
            )

    async def _progress(self, issue: IssueRef, phase: str, percent: int) -> None:
        await self.runtime.events.emit(
            "task_progress",
            {
                "task_id": issue.workflow_id,
                "percent": percent,
                "status": phase,
                "project_id": issue.project_id,
                "issue_number": issue.issue_number,
            },
            project_room(issue.project_id),
        )
