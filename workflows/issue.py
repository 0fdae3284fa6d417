"""IssueWorkflow: the company at work on one issue, from a new issue to a merge.

planning (architect: spec + tasks) -> coding (coders in parallel, one child
AgentRunWorkflow per task) -> pull request -> testing <-> coding -> review <->
coding -> awaiting_approval (approve | reject with feedback, which goes back to
a coder) -> merging -> done. Loops are bounded; past a bound, or when an agent
cannot finish, the run waits in `needs_attention` for `retry` or `cancel`.

Deterministic orchestration only: every read and write is an activity or a child
workflow, and the workflow carries ids and small results.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.forge import ForgeActivities
    from activities.payloads import IssueRef, PhaseChange
    from activities.pipeline import (
        Integrate,
        PipelineActivities,
        PostNote,
        PrepareIssue,
        RunTests,
    )
    from activities.store import StoreActivities
    from mcc.phases import PERCENT, Phase
    from mcc.pipeline.steps import AgentSlot, IssuePlan
    from workflows.agent_run import AgentRunWorkflow
    from workflows.agent_run_payloads import AgentRunInput, AgentRunResult, ChildBlocked
    from workflows.issue_payloads import IssueRunInput, IssueRunResult, IssueStatus, RejectInput
    from workflows.search_attributes import MCC_ISSUE, MCC_PHASE, MCC_PROJECT


class _Cancelled(Exception):
    pass


STEP_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=20,
)
# Quick steps never need a heartbeat, but the timeout makes a dead worker's step
# retry within seconds instead of after the whole start-to-close timeout.
QUICK_HEARTBEAT = timedelta(seconds=10)
QUICK_TIMEOUT = timedelta(seconds=30)
# Git and test steps heartbeat, so a dead worker's attempt is retried within seconds.
LONG_TIMEOUT = timedelta(minutes=20)
HEARTBEAT = timedelta(seconds=5)


def planning_task(plan: IssuePlan, number: int, feedback: str | None) -> str:
    text = (
        f"Issue #{number}: {plan.title}\n\n{plan.body}\n\n"
        "Read the repository, then write the technical spec with write_spec, split the work "
        "into coding tasks with create_tasks, and finish."
    )
    if feedback:
        text += f"\n\nThe person sent your previous spec back: {feedback}"
    return text


def coding_task(plan: IssuePlan, task: dict[str, Any], branch: str) -> str:
    return (
        f"Issue: {plan.title}\n\nYour task: {task.get('title', '')}\n\n"
        f"{task.get('description', '')}\n\nThe spec is in .mcc/specs/. Work on your branch "
        f"{branch}, run the tests, commit with git_commit, then finish."
    )


@workflow.defn(name="IssueWorkflow")
class IssueWorkflow:
    def __init__(self) -> None:
        self._phase = Phase.QUEUED
        self._resume_phase = Phase.QUEUED
        self._percent = 0
        self._decision: str | None = None
        self._feedback: str | None = None
        self._retry = False
        self._cancelled = False
        self._status = IssueStatus(phase=Phase.QUEUED.value, percent=0)
        self._active: list[str] = []
        self._ref: IssueRef | None = None
        self._children: list[str] = []

    # -- the run ---------------------------------------------------------------------

    @workflow.run
    async def run(self, params: IssueRunInput) -> IssueRunResult:
        ref = IssueRef(params.project_id, params.issue_number, workflow.info().workflow_id)
        self._ref = ref
        workflow.upsert_search_attributes(
            [MCC_PROJECT.value_set(params.project_slug), MCC_ISSUE.value_set(params.issue_number)]
        )
        try:
            return await self._pipeline(ref, params)
        except _Cancelled:
            await workflow.execute_activity_method(
                ForgeActivities.close_pull_request,
                ref,
                start_to_close_timeout=QUICK_TIMEOUT,
                heartbeat_timeout=QUICK_HEARTBEAT,
                retry_policy=STEP_RETRY,
            )
            await self._enter(Phase.CANCELLED)
            return IssueRunResult(Phase.CANCELLED, self._status.pull_number)

    async def _pipeline(self, ref: IssueRef, params: IssueRunInput) -> IssueRunResult:
        plan = await workflow.execute_activity_method(
            PipelineActivities.prepare_issue,
            PrepareIssue(ref.project_id, ref.issue_number, ref.workflow_id),
            start_to_close_timeout=QUICK_TIMEOUT,
            heartbeat_timeout=QUICK_HEARTBEAT,
            retry_policy=STEP_RETRY,
        )
        self._status.conversation_id = plan.conversation_id

        await self._plan(ref, plan, params)
        await self._enter(Phase.CODING)
        await self._code(ref, plan, params, self._status.tasks)

        await self._enter(Phase.PULL_REQUEST)
        while True:
            try:
                pull = await workflow.execute_activity_method(
                    ForgeActivities.open_pull_request,
                    ref,
                    start_to_close_timeout=QUICK_TIMEOUT,
                    heartbeat_timeout=QUICK_HEARTBEAT,
                    retry_policy=STEP_RETRY,
                )
                break
            except ActivityError as err:  # e.g. the forge refused MCC's credentials
                await self._attention(f"the pull request could not be opened: {_message(err)}")
        self._status.pull_number = pull.number

        while True:
            await self._test_and_review(ref, plan, params)
            decision = await self._gate("merge")
            if decision == "approve":
                break
            self._status.rejections += 1
            feedback = self._feedback or "(no feedback given)"
            await self._note(
                plan, "user", f"Rejected: {feedback}", f"reject-{self._status.rejections}"
            )
            await self._enter(Phase.CODING)
            await self._fix(
                ref,
                plan,
                params,
                f"rework-{self._status.rejections}",
                f"The person reviewed the pull request and rejected it:\n\n{feedback}\n\n"
                "Change the code accordingly, run the tests, commit, then finish.",
            )

        await self._enter(Phase.MERGING)
        while True:
            try:
                merged = await workflow.execute_activity_method(
                    ForgeActivities.merge_pull_request,
                    ref,
                    start_to_close_timeout=LONG_TIMEOUT,
                    heartbeat_timeout=HEARTBEAT,
                    retry_policy=STEP_RETRY,
                )
                break
            except ActivityError as err:
                await self._attention(f"the merge failed: {_message(err)}")
        self._status.merge_sha = merged.merge_sha
        await self._enter(Phase.DONE)
        return IssueRunResult(Phase.DONE, self._status.pull_number, merged.merge_sha)

    # -- phases ----------------------------------------------------------------------

    async def _plan(self, ref: IssueRef, plan: IssuePlan, params: IssueRunInput) -> None:
        architect = plan.of_role("architect")[0]
        feedback: str | None = None
        attempt = 0
        while True:
            attempt += 1
            await self._enter(Phase.PLANNING)
            branch = f"{plan.branch}-architect"
            result = await self._agent(
                ref,
                plan,
                params,
                architect,
                f"plan-{attempt}",
                branch,
                plan.branch,
                planning_task(plan, ref.issue_number, feedback),
                f"Plan #{ref.issue_number}",
            )
            await self._integrate(ref, plan, branch, f"plan-{attempt}")
            self._status.spec = result.artifacts.get("spec")
            tasks = result.artifacts.get("tasks") or [
                {"title": plan.title, "description": plan.body}
            ]
            self._status.tasks = list(tasks)
            listed = "\n".join(f"{i + 1}. {t.get('title', '')}" for i, t in enumerate(tasks))
            await self._note(
                plan,
                f"agent:{architect.name}",
                f"Spec:\n\n{self._status.spec or '(none)'}\n\nTasks:\n{listed}",
                f"spec-{attempt}",
            )
            if not plan.require_spec_approval or await self._gate("spec") == "approve":
                return
            feedback = self._feedback

    async def _code(
        self, ref: IssueRef, plan: IssuePlan, params: IssueRunInput, tasks: list[dict[str, Any]]
    ) -> None:
        """Each coder takes its share of the tasks (in parallel); then merge each branch."""
        coders = plan.of_role("coder")
        shares: dict[str, list[tuple[int, dict[str, Any]]]] = {c.name: [] for c in coders}
        for index, task in enumerate(tasks):
            shares[coders[index % len(coders)].name].append((index + 1, task))

        async def work(coder: AgentSlot) -> list[tuple[str, str]]:
            branches = []
            for number, task in shares[coder.name]:
                branch = f"{plan.branch}-task-{number}"
                await self._agent(
                    ref,
                    plan,
                    params,
                    coder,
                    f"task-{number}",
                    branch,
                    plan.branch,
                    coding_task(plan, task, branch),
                    f"Task {number}: {task.get('title', '')}",
                )
                branches.append((f"task-{number}", branch))
            return branches

        done = await asyncio.gather(*(work(c) for c in coders if shares[c.name]))
        for coder, branches in zip([c for c in coders if shares[c.name]], done, strict=True):
            for label, branch in branches:
                await self._integrate(ref, plan, branch, label, resolver=coder, params=params)

    async def _fix(
        self, ref: IssueRef, plan: IssuePlan, params: IssueRunInput, label: str, task: str
    ) -> None:
        coder = plan.of_role("coder")[0]
        branch = f"{plan.branch}-{label}"
        await self._agent(ref, plan, params, coder, label, branch, plan.branch, task, label)
        await self._integrate(ref, plan, branch, label, resolver=coder, params=params)

    async def _test_and_review(self, ref: IssueRef, plan: IssuePlan, params: IssueRunInput) -> None:
        tester = plan.of_role("tester")[0]
        reviewer = plan.of_role("reviewer")[0]
        while True:
            tests_round = 0
            while True:
                await self._enter(Phase.TESTING)
                self._status.test_loops += 1
                tests_round += 1
                label = f"test-{self._status.test_loops}"
                branch = f"{plan.branch}-{label}"
                result = await self._agent(
                    ref,
                    plan,
                    params,
                    tester,
                    label,
                    branch,
                    plan.branch,
                    f"Test round {self._status.test_loops}. Run the project's tests against the "
                    "issue branch, add missing tests if needed (commit them), report every bug "
                    "with report_bug, then finish.",
                    f"Test round {self._status.test_loops}",
                )
                await self._integrate(ref, plan, branch, label, resolver=tester, params=params)
                report = await workflow.execute_activity_method(
                    PipelineActivities.run_tests,
                    RunTests(ref.project_id, ref.issue_number, plan.branch),
                    start_to_close_timeout=LONG_TIMEOUT,
                    heartbeat_timeout=HEARTBEAT,
                    retry_policy=STEP_RETRY,
                )
                self._status.test_report = report
                bugs = result.artifacts.get("bugs") or []
                await self._note(
                    plan,
                    "system",
                    f"Tests ({report.command}): {'passed' if report.passed else 'FAILED'}\n\n"
                    f"{report.output[-2000:]}",
                    label,
                )
                if report.passed and not bugs:
                    break
                if tests_round > params.max_test_loops:
                    await self._attention(
                        f"the tests still fail after {params.max_test_loops} rounds of fixes"
                    )
                    tests_round = 0
                await self._enter(Phase.CODING)
                described = "\n\n".join(f"- {b.get('title')}: {b.get('details')}" for b in bugs)
                await self._fix(
                    ref,
                    plan,
                    params,
                    f"fix-{self._status.test_loops}",
                    "The tester found problems.\n\n"
                    f"{described or '(no bug reports)'}\n\nTest output:\n{report.output[-3000:]}"
                    "\n\nFix them, run the tests, commit, then finish.",
                )

            await self._enter(Phase.REVIEW)
            self._status.review_loops += 1
            label = f"review-{self._status.review_loops}"
            result = await self._agent(
                ref,
                plan,
                params,
                reviewer,
                label,
                f"{plan.branch}-{label}",
                plan.branch,
                f"Review round {self._status.review_loops}. Review the change (git_diff shows "
                "everything since the default branch), then approve it or request changes, "
                "and finish.",
                f"Review round {self._status.review_loops}",
                diff_base=plan.default_branch,
            )
            self._status.review = result.artifacts.get("review")
            verdict = result.artifacts.get("verdict", "approve")
            await self._note(
                plan,
                f"agent:{reviewer.name}",
                f"Review: {verdict}\n\n{self._status.review or ''}",
                label,
            )
            if verdict == "approve":
                return
            if self._status.review_loops > params.max_review_loops:
                await self._attention(
                    f"the reviewer still requests changes after {params.max_review_loops} rounds"
                )
            await self._enter(Phase.CODING)
            await self._fix(
                ref,
                plan,
                params,
                f"changes-{self._status.review_loops}",
                f"The reviewer requested changes:\n\n{self._status.review}\n\n"
                "Make them, run the tests, commit, then finish.",
            )

    # -- building blocks --------------------------------------------------------------

    async def _agent(
        self,
        ref: IssueRef,
        plan: IssuePlan,
        params: IssueRunInput,
        agent: AgentSlot,
        label: str,
        branch: str,
        base: str,
        task: str,
        title: str,
        diff_base: str | None = None,
    ) -> AgentRunResult:
        """Run one agent on one task as a child workflow, until it finishes its task."""
        attempt = 0
        while True:
            suffix = f"-retry-{attempt}" if attempt else ""
            run_id = f"{ref.workflow_id}/{agent.name}/{label}{suffix}"
            self._active.append(agent.name)
            self._children.append(run_id)
            try:
                result = await workflow.execute_child_workflow(
                    AgentRunWorkflow.run,
                    AgentRunInput(
                        run_id=run_id,
                        project_id=ref.project_id,
                        agent_id=agent.id,
                        branch=branch,
                        base=base,
                        task=task,
                        title=title,
                        issue_number=ref.issue_number,
                        diff_base=diff_base,
                        max_steps=params.agent_max_steps,
                    ),
                    id=run_id,
                )
            finally:
                self._active.remove(agent.name)
                self._children.remove(run_id)
            if result.outcome == "done":
                return result
            await self._attention(
                f"{agent.name} could not finish ({result.outcome}): {result.summary}"
            )
            attempt += 1

    async def _integrate(
        self,
        ref: IssueRef,
        plan: IssuePlan,
        branch: str,
        label: str,
        resolver: AgentSlot | None = None,
        params: IssueRunInput | None = None,
    ) -> None:
        """Merge an agent's branch into the issue branch; a conflict goes back to a coder."""
        for round_ in range(1, 4):
            merged = await workflow.execute_activity_method(
                PipelineActivities.integrate_branch,
                Integrate(ref.project_id, branch, plan.branch),
                start_to_close_timeout=LONG_TIMEOUT,
                heartbeat_timeout=HEARTBEAT,
                retry_policy=STEP_RETRY,
            )
            if merged.merged:
                return
            if resolver is None or params is None:
                break
            await self._agent(
                ref,
                plan,
                params,
                resolver,
                f"{label}-conflict-{round_}",
                branch,
                plan.branch,
                f"Your branch {branch} conflicts with {plan.branch}. Merge {plan.branch} into "
                "it with git_merge, resolve the conflicts, run the tests, git_commit, finish.",
                f"Resolve conflicts of {branch}",
            )
        await self._attention(f"{branch} does not merge cleanly into {plan.branch}")

    async def _gate(self, gate: str) -> str:
        """Wait for the person's decision (approve | reject) at `gate`."""
        self._status.gate = gate
        self._decision = None
        await self._enter(Phase.AWAITING_APPROVAL)
        await workflow.wait_condition(lambda: self._decision is not None or self._cancelled)
        if self._cancelled:
            raise _Cancelled
        decision, self._decision = self._decision, None
        self._status.gate = None
        return decision or "approve"

    async def _attention(self, error: str) -> None:
        """Stop in needs_attention until the person says `retry` (or `cancel`)."""
        self._status.error = error
        resume = self._phase
        self._retry = False
        await self._enter(Phase.NEEDS_ATTENTION)
        await workflow.wait_condition(lambda: self._retry or self._cancelled)
        if self._cancelled:
            raise _Cancelled
        self._status.error = None
        await self._enter(resume)

    async def _note(self, plan: IssuePlan, author: str, content: str, key: str) -> None:
        assert self._ref is not None
        await workflow.execute_activity_method(
            PipelineActivities.post_issue_note,
            PostNote(plan.conversation_id, author, content, f"{self._ref.workflow_id}/note/{key}"),
            start_to_close_timeout=QUICK_TIMEOUT,
            heartbeat_timeout=QUICK_HEARTBEAT,
            retry_policy=STEP_RETRY,
        )

    async def _enter(self, phase: Phase) -> None:
        """Record the phase first, then show it: what the query (and so the API) says is
        always already stored, so a decision based on it holds even if the worker dies."""
        assert self._ref is not None
        percent = PERCENT.get(phase, self._percent)
        await workflow.execute_activity_method(
            StoreActivities.record_phase,
            PhaseChange(self._ref, phase.value, percent, reason=self._status.error),
            start_to_close_timeout=QUICK_TIMEOUT,
            heartbeat_timeout=QUICK_HEARTBEAT,
            retry_policy=STEP_RETRY,
        )
        self._phase, self._percent = phase, percent
        workflow.upsert_search_attributes([MCC_PHASE.value_set(phase.value)])

    # -- signals and the query -------------------------------------------------------------

    @workflow.signal
    def approve(self) -> None:
        if self._phase == Phase.AWAITING_APPROVAL:
            self._decision = "approve"
        elif self._phase == Phase.NEEDS_ATTENTION:
            self._retry = True
        else:
            workflow.logger.warning("approve ignored in phase %s", self._phase)

    @workflow.signal
    def reject(self, params: RejectInput) -> None:
        if self._phase == Phase.AWAITING_APPROVAL:
            self._decision, self._feedback = "reject", params.feedback
        else:
            workflow.logger.warning("reject ignored in phase %s", self._phase)

    @workflow.signal
    def retry(self) -> None:
        self._retry = True

    @workflow.signal
    async def cancel(self) -> None:
        self._cancelled = True
        await self._tell_children("cancel")

    @workflow.signal
    async def pause(self) -> None:
        """Pause every agent of the run at its next step."""
        if self._phase != Phase.PAUSED:
            self._resume_phase = self._phase
            await self._enter(Phase.PAUSED)
        await self._tell_children("pause")

    @workflow.signal
    async def resume(self) -> None:
        await self._tell_children("resume")
        if self._phase == Phase.PAUSED:
            await self._enter(self._resume_phase)

    async def _tell_children(self, signal: str) -> None:
        for run_id in list(self._children):
            await workflow.get_external_workflow_handle(run_id).signal(signal)

    @workflow.signal
    async def child_blocked(self, params: ChildBlocked) -> None:
        """An agent run waits on its budget or an emergency pause: show it, then go back."""
        if params.reason is None:
            if self._phase in (Phase.BUDGET_BLOCKED, Phase.PAUSED):
                await self._enter(self._resume_phase)
            return
        if self._phase not in (Phase.BUDGET_BLOCKED, Phase.PAUSED):
            self._resume_phase = self._phase
        phase = Phase.BUDGET_BLOCKED if params.reason == "BudgetExceeded" else Phase.PAUSED
        if self._phase != phase:
            await self._enter(phase)

    @workflow.query
    def status(self) -> IssueStatus:
        self._status.phase = self._phase.value
        self._status.percent = self._percent
        self._status.agents_at_work = sorted(set(self._active))
        self._status.feedback = self._feedback
        return self._status


def _message(err: ActivityError) -> str:
    cause = err.cause
    return cause.message if isinstance(cause, ApplicationError) else str(err)
