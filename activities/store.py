"""Activities that record a run's progress where the person can see it."""

from __future__ import annotations

from temporalio import activity

from activities.payloads import PhaseChange
from mcc.conversations import finish_run_conversation
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
            await set_phase(session, project_id, number, change.phase)
            if Phase(change.phase).is_final:
                await finish_run_conversation(session, change.issue.workflow_id, change.phase)
            if change.phase == Phase.NEEDS_ATTENTION.value:
                info = activity.info()
                await notify_needs_attention(
                    session,
                    self.runtime.events,
                    await get_issue(session, project_id, number),
                    dedupe=f"needs_attention:{info.workflow_run_id}:{info.activity_id}",
                )
        await self.runtime.forge.show_phase(
            change.issue.project_id, change.issue.issue_number, change.phase
        )
        await self.runtime.events.emit(
            "task_progress",
            {
                "task_id": change.issue.workflow_id,
                "percent": change.percent,
                "status": change.phase,
                "project_id": change.issue.project_id,
                "issue_number": change.issue.issue_number,
            },
            project_room(change.issue.project_id),
        )
