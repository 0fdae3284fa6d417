"""Activities of the issue pipeline itself (the agents' steps are in activities/agents.py)."""

from __future__ import annotations

from dataclasses import dataclass

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.forge_errors import forge_posture
from activities.heartbeat import heartbeating
from mcc.issue_artifacts import Produced, keep
from mcc.pipeline.steps import IssuePlan, PipelineSteps, TestReport
from mcc.runtime import Runtime
from mcc.sandbox.errors import SandboxUnavailable


@dataclass(frozen=True)
class PrepareIssue:
    project_id: int
    issue_number: int
    run_id: str


@dataclass(frozen=True)
class Integrate:
    project_id: int
    source: str
    target: str


@dataclass(frozen=True)
class IntegrateResult:
    merged: bool
    sha: str


@dataclass(frozen=True)
class RunTests:
    project_id: int
    issue_number: int
    ref: str


@dataclass(frozen=True)
class PostNote:
    conversation_id: int
    author: str
    content: str
    key: str
    # What the note reports, kept on the issue for its page; carried by this step, which
    # runs already take, because replay matches a step on its activity's type and id, not
    # its input.
    produced: Produced | None = None


class PipelineActivities:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.steps = PipelineSteps(runtime)

    @activity.defn(name="prepare_issue")
    async def prepare_issue(self, params: PrepareIssue) -> IssuePlan:
        return await self.steps.prepare(params.project_id, params.issue_number, params.run_id)

    @activity.defn(name="integrate_branch")
    @forge_posture
    async def integrate_branch(self, params: Integrate) -> IntegrateResult:
        merged, sha = await heartbeating(
            self.steps.integrate(params.project_id, params.source, params.target)
        )
        return IntegrateResult(merged, sha)

    @activity.defn(name="run_tests")
    async def run_tests(self, params: RunTests) -> TestReport:
        try:
            return await heartbeating(
                self.steps.run_tests(params.project_id, params.issue_number, params.ref)
            )
        except SandboxUnavailable as exc:  # a person must install or repair it: no retry
            raise ApplicationError(exc.message, type=exc.code, non_retryable=True) from exc

    @activity.defn(name="post_issue_note")
    async def post_issue_note(self, params: PostNote) -> None:
        """Post the note (once: its key), keeping what it reports on the issue first."""
        if params.produced is not None:
            async with self.runtime.db.sessions() as session:
                await keep(session, params.produced)
        await self.steps.post(params.conversation_id, params.author, params.content, params.key)
