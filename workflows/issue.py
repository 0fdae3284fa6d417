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
import contextlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.forge import ForgeActivities
    from activities.payloads import IssueRef, PhaseChange, PullOutcome, RoundOpening, RunPaused
    from activities.pipeline import (
        Integrate,
        IntegrateResult,
        PipelineActivities,
        PostNote,
        PrepareIssue,
        RunTests,
    )
    from activities.store import StoreActivities
    from mcc.agents import briefs
    from mcc.agents.briefs import Brief
    from mcc.errors import HeadMoved, MergeConflict
    from mcc.forge.base import ChecksReport
    from mcc.issue_artifacts import REVIEW, SPEC, TEST_REPORT, Loops, Produced
    from mcc.phases import PERCENT, Phase
    from mcc.pipeline.steps import AgentSlot, IssuePlan
    from workflows.agent_run import AgentRunWorkflow
    from workflows.agent_run_payloads import AgentRunInput, AgentRunResult, ChildBlocked
    from workflows.issue_payloads import (
        Decided,
        IssueRunInput,
        IssueRunResult,
        IssueStatus,
        RejectInput,
    )
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

# Runs started before approval rounds (and before handlers that only record) keep
# the old command sequence to the end; see "Upgrades with runs in flight" in README.
DECISION_ROUNDS = "decision-rounds"
# Runs started before the repository's CI gated the approval go on without it.
CI_CHECKS = "ci-checks"
# CI failures in a row are counted across fixes (a run started before counted each one alone).
CI_FIX_BOUND = "ci-fix-bound"
# An agent run the person's cancel ended is that cancel, not a run needing attention
# (a run started before went through needs_attention, and notified it, on its way out).
CANCEL_NOT_ATTENTION = "cancel-not-attention"
# Runs started before the issue's conversation showed the person's pause never record it.
SHOW_PAUSE = "show-pause"
# A cancel ends the run before its next agent, phase or approval round (a run started
# before went on through the steps that did not wait, to its next gate: a reviewer
# started and the person told the pull request was ready to merge, after the cancel).
CANCEL_AT_NEXT_STEP = "cancel-at-next-step"
# The issue branch takes in what its base branch gained before each merge approval, a coder
# resolving what conflicts (a run started before asked for approval of a branch that could
# not merge, and the merge then stopped in needs_attention with nothing to retry).
SYNC_WITH_BASE = "sync-with-base"
WAITING = (Phase.AWAITING_APPROVAL, Phase.NEEDS_ATTENTION)


async def _quick(activity: Any, arg: Any) -> Any:
    """A quick step (a row, a forge call): no heartbeat needed, retried within seconds."""
    return await workflow.execute_activity_method(
        activity,
        arg,
        start_to_close_timeout=QUICK_TIMEOUT,
        heartbeat_timeout=QUICK_HEARTBEAT,
        retry_policy=STEP_RETRY,
    )


async def _long(activity: Any, *args: Any) -> Any:
    """A git or test step: heartbeats, so a dead worker's attempt is retried within seconds."""
    return await workflow.execute_activity_method(
        activity,
        args=list(args),
        start_to_close_timeout=LONG_TIMEOUT,
        heartbeat_timeout=HEARTBEAT,
        retry_policy=STEP_RETRY,
    )


@dataclass(frozen=True)
class Assignment:
    """One agent on one task: its run is `{issue run}/{agent}/{label}`, on `branch`."""

    agent: AgentSlot
    label: str
    branch: str
    brief: Brief
    diff_base: str | None = None


@workflow.defn(name="IssueWorkflow")
class IssueWorkflow:
    def __init__(self) -> None:
        self._phase = Phase.QUEUED  # what is stored (and so what the query shows)
        self._resume_phase = Phase.QUEUED
        self._percent = 0
        self._decision: str | None = None
        self._feedback: str | None = None
        self._retry = False
        self._cancelled = False
        self._status = IssueStatus(phase=Phase.QUEUED.value, percent=0)
        self._active: list[str] = []
        self._ref: IssueRef | None = None
        self._params: IssueRunInput | None = None
        self._children: list[str] = []
        # Runs with approval rounds: handlers record, `_keep_phase` and the run write.
        self._rounds = False
        self._round = 0
        self._decisions: dict[int, Decided] = {}
        self._base = Phase.QUEUED  # the pipeline's phase, before pause and blocks
        self._paused = False
        self._blocked: str | None = None
        self._told_paused = False
        self._told_cancel = False
        self._finished = False
        self._store_lock = asyncio.Lock()
        # The repository's CI: whether this run waits for it, a check event arrived,
        # checks were seen on an earlier head (so a head without any yet will get them).
        self._ci = False
        self._checks_poked = False
        self._ci_seen = False
        self._ci_failures_in_row = 0
        self._base_conflicts = 0  # conflicts with the base branch a coder was given

    # -- the run ---------------------------------------------------------------------

    @workflow.run
    async def run(self, params: IssueRunInput) -> IssueRunResult:
        self._rounds = workflow.patched(DECISION_ROUNDS)
        self._ci = workflow.patched(CI_CHECKS)
        self._ci_bounded = workflow.patched(CI_FIX_BOUND)
        self._sync_base = workflow.patched(SYNC_WITH_BASE)
        ref = IssueRef(params.project_id, params.issue_number, workflow.info().workflow_id)
        self._ref, self._params = ref, params
        workflow.upsert_search_attributes(
            [MCC_PROJECT.value_set(params.project_slug), MCC_ISSUE.value_set(params.issue_number)]
        )
        keeper = asyncio.create_task(self._keep_phase()) if self._rounds else None
        try:
            result = await self._pipeline(ref, params)
        except _Cancelled:
            await _quick(ForgeActivities.close_pull_request, ref)
            await self._enter(Phase.CANCELLED)
            result = IssueRunResult(Phase.CANCELLED, self._status.pull_number)
        if keeper is not None:
            self._finished = True
            await keeper
            await workflow.wait_condition(workflow.all_handlers_finished)
        return result

    async def _pipeline(self, ref: IssueRef, params: IssueRunInput) -> IssueRunResult:
        plan = await _quick(
            PipelineActivities.prepare_issue,
            PrepareIssue(ref.project_id, ref.issue_number, ref.workflow_id),
        )
        self._status.conversation_id = plan.conversation_id

        await self._plan(ref, plan, params)
        await self._enter(Phase.CODING)
        await self._code(ref, plan, params, self._status.tasks)

        await self._enter(Phase.PULL_REQUEST)
        while True:
            try:
                pull = await _quick(ForgeActivities.open_pull_request, ref)
                break
            except ActivityError as err:  # e.g. the forge refused MCC's credentials
                await self._attention(f"the pull request could not be opened: {_message(err)}")
        self._status.pull_number = pull.number

        review = True
        while True:
            if review:
                await self._test_and_review(ref, plan, params)
                if self._ci and not await self._ci_green(ref, plan, params):
                    continue  # a coder fixed what CI found: the fix is tested and reviewed
            if self._sync_base and await self._take_in_base(ref, plan, params) is None:
                review = True  # a coder resolved conflicts with the base: tested and reviewed
                continue
            decision = await self._gate("merge", plan.branch)
            if decision.kind == "approve":
                await self._enter(Phase.MERGING)
                merged = await self._merge(ref, plan, params, decision.head)
                if isinstance(merged, PullOutcome):
                    break
                # The branch moved after the approval (a coder resolved a conflict with
                # what the base gained meanwhile: tested and reviewed first): decide again.
                review = merged
                continue
            review = True
            self._status.rejections += 1
            feedback = decision.feedback or "(no feedback given)"
            await self._note(
                plan, "user", f"Rejected: {feedback}", f"reject-{self._status.rejections}"
            )
            await self._enter(Phase.CODING)
            await self._fix(
                ref,
                plan,
                params,
                f"rework-{self._status.rejections}",
                briefs.rework(ref.issue_number, self._status.rejections, feedback),
            )

        self._status.merge_sha = merged.merge_sha
        await self._enter(Phase.DONE)
        return IssueRunResult(Phase.DONE, self._status.pull_number, merged.merge_sha)

    async def _merge(
        self, ref: IssueRef, plan: IssuePlan, params: IssueRunInput, approved_head: str | None
    ) -> PullOutcome | bool:
        """Merge what the person approved. When the branch moved since the approval, or the
        base gained what conflicts with it (taken in), whether a coder changed the branch."""
        while True:
            try:
                args = (ref, approved_head) if self._rounds else (ref,)
                merged: PullOutcome = await _long(ForgeActivities.merge_pull_request, *args)
                return merged
            except ActivityError as err:
                cause = err.cause
                kind = cause.type if isinstance(cause, ApplicationError) else None
                if kind == HeadMoved.code:
                    return False
                if self._sync_base and kind == MergeConflict.code:
                    tip = await self._take_in_base(ref, plan, params)
                    if tip != approved_head:
                        return tip is None
                await self._attention(f"the merge failed: {_message(err)}")

    async def _take_in_base(
        self, ref: IssueRef, plan: IssuePlan, params: IssueRunInput
    ) -> str | None:
        """Merge the base branch into the issue branch, so what the person approves merges as
        it is, and return the branch's tip; None when it conflicted and the first coder
        merged the base into a branch of its own from the issue branch and resolved it."""
        taken: IntegrateResult = await _long(
            PipelineActivities.integrate_branch,
            Integrate(ref.project_id, plan.default_branch, plan.branch),
        )
        if taken.merged:
            return taken.sha
        self._base_conflicts += 1
        label = f"base-{self._base_conflicts}"
        branch = f"{plan.branch}-{label}"
        coder = plan.of_role("coder")[0]
        brief = briefs.conflict(branch, plan.default_branch)
        await self._agent(plan, Assignment(coder, label, branch, brief))
        await self._integrate(ref, plan, branch, label, resolver=coder, params=params)
        return None

    # -- phases ----------------------------------------------------------------------

    async def _plan(self, ref: IssueRef, plan: IssuePlan, params: IssueRunInput) -> None:
        architect = plan.of_role("architect")[0]
        feedback: str | None = None
        attempt = 0
        while True:
            attempt += 1
            await self._enter(Phase.PLANNING)
            branch = f"{plan.branch}-architect"
            brief = briefs.plan(ref.issue_number, plan.title, plan.body, feedback)
            result = await self._agent(
                plan, Assignment(architect, f"plan-{attempt}", branch, brief)
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
                Produced(ref.project_id, ref.issue_number, SPEC, text=self._status.spec),
            )
            if not plan.require_spec_approval:
                return
            decision = await self._gate("spec", plan.branch)
            if decision.kind == "approve":
                return
            feedback = decision.feedback

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
                brief = briefs.code(ref.issue_number, plan.title, number, task, branch)
                await self._agent(plan, Assignment(coder, f"task-{number}", branch, brief))
                branches.append((f"task-{number}", branch))
            return branches

        done = await asyncio.gather(*(work(c) for c in coders if shares[c.name]))
        for coder, branches in zip([c for c in coders if shares[c.name]], done, strict=True):
            for label, branch in branches:
                await self._integrate(ref, plan, branch, label, resolver=coder, params=params)

    async def _fix(
        self, ref: IssueRef, plan: IssuePlan, params: IssueRunInput, label: str, brief: Brief
    ) -> None:
        """The first coder works on what came back, on a branch of its own."""
        coder = plan.of_role("coder")[0]
        branch = f"{plan.branch}-{label}"
        await self._agent(plan, Assignment(coder, label, branch, brief))
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
                brief = briefs.test(ref.issue_number, self._status.test_loops)
                result = await self._agent(plan, Assignment(tester, label, branch, brief))
                await self._integrate(ref, plan, branch, label, resolver=tester, params=params)
                report = await _long(
                    PipelineActivities.run_tests,
                    RunTests(ref.project_id, ref.issue_number, plan.branch),
                )
                self._status.test_report = report
                bugs = result.artifacts.get("bugs") or []
                await self._note(
                    plan,
                    "system",
                    report.note(),
                    label,
                    Produced(ref.project_id, ref.issue_number, TEST_REPORT, test_report=report),
                )
                if report.passed and not bugs:
                    break
                if tests_round > params.max_test_loops:
                    await self._attention(
                        f"the tests still fail after {params.max_test_loops} rounds of fixes"
                    )
                    tests_round = 0
                await self._enter(Phase.CODING)
                loop = self._status.test_loops
                fix = briefs.fix(ref.issue_number, loop, bugs, report.output)
                await self._fix(ref, plan, params, f"fix-{loop}", fix)

            await self._enter(Phase.REVIEW)
            self._status.review_loops += 1
            label = f"review-{self._status.review_loops}"
            review = Assignment(
                reviewer,
                label,
                f"{plan.branch}-{label}",
                briefs.review(ref.issue_number, self._status.review_loops),
                diff_base=plan.default_branch,
            )
            result = await self._agent(plan, review)
            self._status.review = result.artifacts.get("review")
            verdict = result.artifacts.get("verdict", "approve")
            await self._note(
                plan,
                f"agent:{reviewer.name}",
                f"Review: {verdict}\n\n{self._status.review or ''}",
                label,
                Produced(
                    ref.project_id, ref.issue_number, REVIEW, self._status.review, verdict=verdict
                ),
            )
            if verdict == "approve":
                return
            if self._status.review_loops > params.max_review_loops:
                await self._attention(
                    f"the reviewer still requests changes after {params.max_review_loops} rounds"
                )
            await self._enter(Phase.CODING)
            loop = self._status.review_loops
            changes = briefs.changes(ref.issue_number, loop, self._status.review)
            await self._fix(ref, plan, params, f"changes-{loop}", changes)

    async def _ci_green(self, ref: IssueRef, plan: IssuePlan, params: IssueRunInput) -> bool:
        """Wait (bounded) for the repository's CI on the pull request's head: True when it
        passed, is ignored or there is none; False once a failure went back to a coder.

        Check events wake the wait (`checks_changed`); without them the CI is reread
        every `ci_poll_s` seconds."""
        timeout = timedelta(seconds=params.ci_timeout_s)
        deadline = workflow.now() + timeout
        while True:
            self._checks_poked = False
            try:
                report: ChecksReport = await _quick(ForgeActivities.read_checks, ref)
            except ActivityError as err:  # e.g. the forge refused MCC's credentials
                await self._attention(f"CI could not be read: {_message(err)}")
                continue
            self._status.ci = report.summary()
            state = report.state
            if state == "none" and self._ci_seen:
                state = "pending"  # CI ran on an earlier head of this run: it will on this one
            self._ci_seen = self._ci_seen or bool(report.checks)
            if state in ("none", "ignored", "success"):
                self._ci_failures_in_row = 0
                return True
            head = (report.head or "")[:7]
            if state == "failure":
                self._status.ci_loops += 1
                self._ci_failures_in_row = self._ci_failures_in_row + 1 if self._ci_bounded else 1
                loop = self._status.ci_loops
                failed = "\n\n".join(f"{c.name}: {c.details}" for c in report.failures)
                await self._note(plan, "system", f"CI failed on {head}:\n\n{failed}", f"ci-{loop}")
                if self._ci_failures_in_row > params.max_test_loops:
                    await self._attention(
                        f"CI still fails after {params.max_test_loops} rounds of fixes "
                        f"({report.summary()})"
                    )
                    self._ci_failures_in_row = 0
                await self._enter(Phase.CODING)
                await self._fix(
                    ref,
                    plan,
                    params,
                    f"ci-{loop}",
                    briefs.ci(ref.issue_number, loop, report.failures),
                )
                return False
            await self._enter(Phase.TESTING)  # waiting for CI is part of testing
            left = (deadline - workflow.now()).total_seconds()
            if left <= 0:
                minutes = params.ci_timeout_s // 60
                await self._attention(
                    f"CI did not finish on {head} within {minutes} minutes ({report.summary()})"
                )
                deadline = workflow.now() + timeout  # the person's retry waits again
                continue
            with contextlib.suppress(TimeoutError):  # no event: time to reread
                await workflow.wait_condition(
                    lambda: self._checks_poked or self._cancelled,
                    timeout=min(left, params.ci_poll_s),
                )
            if self._cancelled:
                raise _Cancelled

    # -- building blocks --------------------------------------------------------------

    async def _agent(self, plan: IssuePlan, work: Assignment) -> AgentRunResult:
        """Run one agent on one task as a child workflow, until it finishes its task."""
        assert self._ref is not None and self._params is not None
        attempt = 0
        while True:
            self._stop_if_cancelled()
            suffix = f"-retry-{attempt}" if attempt else ""
            run_id = f"{self._ref.workflow_id}/{work.agent.name}/{work.label}{suffix}"
            self._active.append(work.agent.name)
            self._children.append(run_id)
            try:
                result = await workflow.execute_child_workflow(
                    AgentRunWorkflow.run,
                    AgentRunInput(
                        run_id=run_id,
                        project_id=self._ref.project_id,
                        agent_id=work.agent.id,
                        branch=work.branch,
                        base=plan.branch,
                        task=work.brief.text,
                        title=work.brief.title,
                        issue_number=self._ref.issue_number,
                        diff_base=work.diff_base,
                        max_steps=self._params.agent_max_steps,
                    ),
                    id=run_id,
                )
            finally:
                self._active.remove(work.agent.name)
                self._children.remove(run_id)
            if result.outcome == "done":
                return result
            await self._attention(
                f"{work.agent.name} could not finish ({result.outcome}): {result.summary}"
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
            merged = await _long(
                PipelineActivities.integrate_branch, Integrate(ref.project_id, branch, plan.branch)
            )
            if merged.merged:
                return
            if resolver is None or params is None:
                break
            brief = briefs.conflict(branch, plan.branch)
            await self._agent(
                plan, Assignment(resolver, f"{label}-conflict-{round_}", branch, brief)
            )
        await self._attention(f"{branch} does not merge cleanly into {plan.branch}")

    async def _gate(self, gate: str, branch: str) -> Decided:
        """Wait for the person's decision (approve | reject) at `gate`."""
        self._stop_if_cancelled()
        self._status.gate = gate
        if not self._rounds:
            return await self._legacy_gate()
        decision = await self._open_round(gate, branch, Phase.AWAITING_APPROVAL)
        self._status.gate = None
        if decision.kind == "cancel":
            raise _Cancelled
        return decision

    async def _attention(self, error: str) -> None:
        """Stop in needs_attention until the person says `retry` (or `cancel`)."""
        if self._cancelled and workflow.patched(CANCEL_NOT_ATTENTION):
            raise _Cancelled
        self._status.error = error
        if not self._rounds:
            return await self._legacy_attention()
        resume = self._base
        decision = await self._open_round("attention", None, resume)
        if decision.kind == "cancel":
            raise _Cancelled
        self._status.error = None
        await self._enter(resume)

    async def _open_round(self, gate: str, branch: str | None, resume: Phase) -> Decided:
        """Open the next approval round (stored with its head) and wait for its decision."""
        assert self._ref is not None
        self._round += 1
        number = self._round
        waiting = Phase.NEEDS_ATTENTION if gate == "attention" else Phase.AWAITING_APPROVAL
        percent = PERCENT.get(waiting, self._percent)
        opening = RoundOpening(
            self._ref,
            number,
            gate,
            branch or "",
            percent,
            resume.value if gate == "attention" else None,
            reason=self._status.error if gate == "attention" else None,
            loops=self._loops(),
        )
        async with self._store_lock:
            self._status.head = await _quick(StoreActivities.open_round, opening)
            self._status.round = number
            self._base = waiting
            self._shown(waiting, percent)
        await workflow.wait_condition(lambda: number in self._decisions or self._cancelled)
        if number not in self._decisions:
            raise _Cancelled
        decision = self._decisions[number]
        self._feedback = decision.feedback or None
        return decision

    async def _note(
        self,
        plan: IssuePlan,
        author: str,
        content: str,
        key: str,
        produced: Produced | None = None,
    ) -> None:
        """Post a note in the issue's conversation; what it reports (`produced`) is kept on
        the issue by the same step, so the issue's page shows it without asking the run."""
        assert self._ref is not None
        await _quick(
            PipelineActivities.post_issue_note,
            PostNote(
                plan.conversation_id,
                author,
                content,
                f"{self._ref.workflow_id}/note/{key}",
                produced,
            ),
        )

    def _stop_if_cancelled(self) -> None:
        """Between steps: a cancel the person sent ends the run here, not at its next gate."""
        if self._cancelled and workflow.patched(CANCEL_AT_NEXT_STEP):
            raise _Cancelled

    async def _enter(self, phase: Phase) -> None:
        """Record the phase first, then show it: what the query (and so the API) says is
        always already stored, so a decision based on it holds even if the worker dies.
        A final phase is entered whatever came meanwhile: a merge done is done."""
        if not phase.is_final:
            self._stop_if_cancelled()
        if self._rounds:
            self._base = phase
            await workflow.wait_condition(lambda: self._phase == self._wanted())
            return
        await self._record(phase)

    async def _record(self, phase: Phase) -> None:
        assert self._ref is not None
        percent = PERCENT.get(phase, self._percent)
        waiting_round = self._round if self._rounds and phase in WAITING else None
        await _quick(
            StoreActivities.record_phase,
            PhaseChange(
                self._ref,
                phase.value,
                percent,
                waiting_round,
                reason=self._status.error,
                loops=self._loops(),
            ),
        )
        self._shown(phase, percent)

    def _loops(self) -> Loops:
        """The loop counts, stored with every phase so the issue's page has them once the run
        is gone (an activity's input: replay does not compare it)."""
        status = self._status
        return Loops(status.test_loops, status.review_loops, status.rejections)

    def _shown(self, phase: Phase, percent: int) -> None:
        self._phase, self._percent = phase, percent
        workflow.upsert_search_attributes([MCC_PHASE.value_set(phase.value)])

    def _wanted(self) -> Phase:
        """The phase to show: the pipeline's, unless the run is paused or blocked."""
        if self._base.is_final or self._base in WAITING:
            return self._base
        if self._paused:
            return Phase.PAUSED
        if self._blocked is not None:
            return Phase.BUDGET_BLOCKED if self._blocked == "BudgetExceeded" else Phase.PAUSED
        return self._base

    def _keeper_idle(self) -> bool:
        return (
            self._phase == self._wanted()
            and self._told_paused == self._paused
            and self._told_cancel == self._cancelled
        )

    async def _keep_phase(self) -> None:
        """The one writer of phases and messages to children, one at a time, in order:
        signal handlers only record what happened, this loop makes it so."""
        while True:
            await workflow.wait_condition(lambda: not self._keeper_idle() or self._finished)
            if self._keeper_idle():
                return
            async with self._store_lock:
                if self._cancelled and not self._told_cancel:
                    self._told_cancel = True
                    await self._tell_children("cancel")
                if self._told_paused != self._paused:
                    paused = self._told_paused = self._paused
                    await self._tell_children("pause" if paused else "resume")
                    if self._ref is not None and workflow.patched(SHOW_PAUSE):
                        shown = RunPaused(self._ref.workflow_id, paused)
                        await _quick(StoreActivities.record_run_paused, shown)
                wanted = self._wanted()
                if self._phase != wanted:
                    await self._record(wanted)

    # -- the runs started before approval rounds ----------------------------------------

    async def _legacy_gate(self) -> Decided:
        self._decision = None
        await self._record(Phase.AWAITING_APPROVAL)
        await workflow.wait_condition(lambda: self._decision is not None or self._cancelled)
        if self._cancelled:
            raise _Cancelled
        decision, self._decision = self._decision, None
        self._status.gate = None
        return Decided(0, decision or "approve", self._feedback or "")

    async def _legacy_attention(self) -> None:
        resume = self._phase
        self._retry = False
        await self._record(Phase.NEEDS_ATTENTION)
        await workflow.wait_condition(lambda: self._retry or self._cancelled)
        if self._cancelled:
            raise _Cancelled
        self._status.error = None
        await self._record(resume)

    # -- signals and the query -------------------------------------------------------------

    @workflow.signal
    def decide(self, decision: Decided) -> None:
        """A decision the API has claimed for its round (the database holds one per round)."""
        if self._rounds:
            self._decisions.setdefault(decision.round, decision)
            self._cancelled = self._cancelled or decision.kind == "cancel"
            return
        # A run from before rounds: the claim has already checked the round.
        if decision.kind == "cancel":
            self._cancelled = True
        elif decision.kind == "reject":
            self._decision, self._feedback = "reject", decision.feedback
        elif self._phase == Phase.NEEDS_ATTENTION:
            self._retry = True
        else:
            self._decision = "approve"

    @workflow.signal
    def approve(self) -> None:
        """Before approval rounds (histories of older releases replay through it)."""
        if self._phase == Phase.AWAITING_APPROVAL:
            self._decision = "approve"
        elif self._phase == Phase.NEEDS_ATTENTION:
            self._retry = True
        else:
            workflow.logger.warning("approve ignored in phase %s", self._phase)

    @workflow.signal
    def reject(self, params: RejectInput) -> None:
        """Before approval rounds (histories of older releases replay through it)."""
        if self._phase == Phase.AWAITING_APPROVAL:
            self._decision, self._feedback = "reject", params.feedback
        else:
            workflow.logger.warning("reject ignored in phase %s", self._phase)

    @workflow.signal
    def checks_changed(self) -> None:
        """A check run or commit status of the pull request changed: read CI again."""
        self._checks_poked = True

    @workflow.signal
    def retry(self) -> None:
        self._retry = True

    @workflow.signal
    async def cancel(self) -> None:
        self._cancelled = True
        if not self._rounds:
            await self._tell_children("cancel")

    @workflow.signal
    async def pause(self) -> None:
        """Pause every agent of the run at its next step."""
        if self._rounds:
            self._paused = True
            return
        if self._phase != Phase.PAUSED:
            self._resume_phase = self._phase
            await self._record(Phase.PAUSED)
        await self._tell_children("pause")

    @workflow.signal
    async def resume(self) -> None:
        if self._rounds:
            self._paused = False
            return
        await self._tell_children("resume")
        if self._phase == Phase.PAUSED:
            await self._record(self._resume_phase)

    async def _tell_children(self, signal: str) -> None:
        for run_id in list(self._children):
            await workflow.get_external_workflow_handle(run_id).signal(signal)

    @workflow.signal
    async def child_blocked(self, params: ChildBlocked) -> None:
        """An agent run waits on its budget or an emergency pause: show it, then go back."""
        if self._rounds:
            self._blocked = params.reason
            return
        if params.reason is None:
            if self._phase in (Phase.BUDGET_BLOCKED, Phase.PAUSED):
                await self._record(self._resume_phase)
            return
        if self._phase not in (Phase.BUDGET_BLOCKED, Phase.PAUSED):
            self._resume_phase = self._phase
        phase = Phase.BUDGET_BLOCKED if params.reason == "BudgetExceeded" else Phase.PAUSED
        if self._phase != phase:
            await self._record(phase)

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
