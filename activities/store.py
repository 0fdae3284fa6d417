"""Activities that record a run's progress where the person can see it."""

from __future__ import annotations

import logging

from sqlalchemy import select
from temporalio import activity

from activities.payloads import IssueRef, PhaseChange, RoundOpening, RunPaused
from mcc.agents.status_event import AgentStatus, emit_agent_status
from mcc.conversations import finish_run_conversation, show_run_paused
from mcc.db.base import utcnow
from mcc.decisions import Round, open_round
from mcc.errors import MccError
from mcc.events import project_room
from mcc.issue_artifacts import keep_loops
from mcc.issues import get_issue, pull_request_of, set_phase
from mcc.models.agent import Agent
from mcc.models.pull_request import PullRequest
from mcc.notifications.runs import DiffSummary, owner_of, phase_notification, record_progress
from mcc.phases import Phase
from mcc.pull_request_view import pull_out
from mcc.runtime import Runtime

log = logging.getLogger(__name__)
_WAITING = (Phase.AWAITING_APPROVAL, Phase.NEEDS_ATTENTION)


class StoreActivities:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    @activity.defn(name="record_phase")
    async def record_phase(self, change: PhaseChange) -> None:
        """Store the phase on the issue row (with the error the run stopped on, and its loop
        counts kept for its page), tell the owner what needs them (once per entry: the key
        is this activity's), and push `task_progress` to the project's room.

        A waiting phase that belongs to a round was announced when the round opened."""
        phase = Phase(change.phase)
        async with self.runtime.db.sessions() as session:
            project_id, number = change.issue.project_id, change.issue.issue_number
            if change.loops is not None:  # whatever the round: counts, not a decision
                await keep_loops(session, project_id, number, change.loops)
            await set_phase(session, project_id, number, change.phase, change.round, change.reason)
            await record_progress(session, change.issue.workflow_id, utcnow())
            if phase.is_final:
                await finish_run_conversation(session, change.issue.workflow_id, change.phase)
        if not (phase in _WAITING and change.round is not None):
            await self._notify(change.issue, phase, change.reason)
        await self._shown(change.issue, change.phase, change.percent)

    @activity.defn(name="record_run_paused")
    async def record_run_paused(self, change: RunPaused) -> None:
        """Show on the run's conversation whether the person paused it, and on its agent
        (the agents page says it is held, not working); idempotent."""
        async with self.runtime.db.sessions() as session:
            shown = await show_run_paused(
                session, self.runtime.events, change.run_id, change.paused
            )
            if shown is None or shown.agent_id is None or shown.project_id is None:
                return
            agent = await session.get(Agent, shown.agent_id)
            if agent is None or agent.status != "working":
                return
            held = AgentStatus(
                agent.id,
                agent.name,
                shown.project_id,
                shown.id,
                agent.status,
                agent.current_task,
                paused=change.paused,
            )
        await emit_agent_status(self.runtime.events, held)

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
            opening.reason,
        )
        async with self.runtime.db.sessions() as session:
            if opening.loops is not None:
                await keep_loops(session, issue.project_id, issue.issue_number, opening.loops)
            await open_round(session, opened)
            await record_progress(session, issue.workflow_id, utcnow())
        await self._notify(issue, Phase(opened.phase), opening.reason)
        await self._shown(issue, opened.phase, opening.percent)
        return head

    async def _notify(self, ref: IssueRef, phase: Phase, reason: str | None) -> None:
        info = activity.info()
        # Stable across retries of this step and replays of the run; a new entry into
        # the same phase is another activity, so another notification.
        key = f"{phase.value}:{info.workflow_run_id}:{info.activity_id}"
        async with self.runtime.db.sessions() as session:
            issue = await get_issue(session, ref.project_id, ref.issue_number)
            owner_id = await owner_of(session, issue)
            if owner_id is None:
                return
            diff = ci = None
            if phase == Phase.AWAITING_APPROVAL:
                pull = await session.scalar(
                    select(PullRequest).where(PullRequest.issue_id == issue.id)
                )
                if pull is not None:
                    diff, ci = await self._diff(pull), pull.ci_summary
            note = await phase_notification(
                session, issue, phase, key, reason=reason, diff=diff, ci=ci
            )
        if note is not None:
            await self.runtime.notifications.notify(owner_id, note)

    async def _diff(self, pull: PullRequest) -> DiffSummary | None:
        try:
            return DiffSummary.of(await self.runtime.forge.diff(pull.project_id, pull.number))
        except MccError as exc:
            log.info("no diff summary for pull request #%s: %s", pull.number, exc.message)
            return None

    async def _shown(self, issue: IssueRef, phase: str, percent: int) -> None:
        """The phase where the person looks: the forge (a label, a status comment) and the
        project's room. The event carries the issue's pull request as it is now: a phase
        change is when one opens, moves, merges or closes, and every tab would otherwise
        fetch the project's pull requests to learn which."""
        await self.runtime.forge.show_phase(issue.project_id, issue.issue_number, phase)
        async with self.runtime.db.sessions() as session:
            pull = await pull_request_of(session, issue.project_id, issue.issue_number)
        progress = {
            "task_id": issue.workflow_id,
            "percent": percent,
            "status": phase,
            "project_id": issue.project_id,
            "issue_number": issue.issue_number,
        }
        if pull is not None:
            progress["pull_request"] = pull_out(pull, issue.issue_number).model_dump(mode="json")
        await self.runtime.events.emit("task_progress", progress, project_room(issue.project_id))
