"""IssueWorkflow alone: its activities and agent runs stubbed by name (as in
temporalio/samples-python), on the real dev server; each test takes seconds."""

from __future__ import annotations

import asyncio
import itertools
import random
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from temporalio import activity, workflow
from temporalio.client import Client, WorkflowHandle
from temporalio.exceptions import ApplicationError
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from activities.payloads import IssueRef, PhaseChange, PullOutcome, RoundOpening, RunPaused
from activities.pipeline import Integrate, IntegrateResult, PostNote, PrepareIssue, RunTests
from mcc.forge.base import Check, ChecksReport
from mcc.issue_artifacts import Loops
from mcc.pipeline.steps import AgentSlot, IssuePlan
from mcc.pipeline.steps import TestReport as Report
from tests.support.waiting import eventually
from workflows.agent_run_payloads import AgentRunInput, AgentRunResult, ChildBlocked
from workflows.issue import IssueWorkflow
from workflows.issue_payloads import Decided, IssueRunInput

AGENTS = [
    AgentSlot(1, "architect", "architect"),
    AgentSlot(2, "coder_1", "coder"),
    AgentSlot(3, "tester", "tester"),
    AgentSlot(4, "reviewer", "reviewer"),
]


@dataclass
class Script:
    """What the stubbed world does and what it saw, for one test."""

    spec_gate: bool = False
    tests_pass: bool = True
    hold_agents: bool = False  # agent runs wait for `release` (or cancel)
    hold_tests: asyncio.Event | None = None  # the test step waits for it, when given
    tests_run: int = 0
    outcomes: dict[str, str] = field(default_factory=dict)  # run-id suffix -> outcome
    stored: list[str] = field(default_factory=list)  # phases, in the order stored
    loops: list[Loops | None] = field(default_factory=list)  # the counts stored with each
    rounds: list[RoundOpening] = field(default_factory=list)
    agent_runs: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)
    merged_heads: list[str | None] = field(default_factory=list)
    writing: int = 0
    overlaps: int = 0  # phase writes that ran while another was running
    # The repository's CI, one report per read (the last one repeats); none by default.
    ci: list[ChecksReport] = field(default_factory=list)
    ci_reads: int = 0
    ci_refused: bool = False
    shown_paused: list[bool] = field(default_factory=list)  # what the conversation showed

    async def write(self, phase: str) -> None:
        self.writing += 1
        self.overlaps += self.writing > 1
        await asyncio.sleep(0.02)  # wide enough for a racing write to show
        self.stored.append(phase)
        self.writing -= 1


SCRIPT = Script()


@activity.defn(name="prepare_issue")
async def prepare_issue(params: PrepareIssue) -> IssuePlan:
    return IssuePlan("Greet", "Say hi.", "main", "mcc/issue-1", 7, SCRIPT.spec_gate, AGENTS)


@activity.defn(name="record_phase")
async def record_phase(change: PhaseChange) -> None:
    SCRIPT.loops.append(change.loops)
    await SCRIPT.write(change.phase)


@activity.defn(name="record_run_paused")
async def record_run_paused(change: RunPaused) -> None:
    SCRIPT.shown_paused.append(change.paused)


@activity.defn(name="open_round")
async def open_round(opening: RoundOpening) -> str | None:
    SCRIPT.rounds.append(opening)
    SCRIPT.loops.append(opening.loops)
    await SCRIPT.write("needs_attention" if opening.gate == "attention" else "awaiting_approval")
    return None if opening.gate == "attention" else f"head-{opening.number}"


@activity.defn(name="post_issue_note")
async def post_issue_note(note: PostNote) -> None:
    return None


@activity.defn(name="integrate_branch")
async def integrate_branch(params: Integrate) -> IntegrateResult:
    return IntegrateResult(merged=True, sha="merged-sha")


@activity.defn(name="run_tests")
async def run_tests(params: RunTests) -> Report:
    SCRIPT.tests_run += 1
    if SCRIPT.hold_tests is not None:
        await SCRIPT.hold_tests.wait()
    return Report("make test", SCRIPT.tests_pass, 0 if SCRIPT.tests_pass else 1, "")


@activity.defn(name="open_pull_request")
async def open_pull_request(issue: IssueRef) -> PullOutcome:
    return PullOutcome(1, "open", "head-1")


@activity.defn(name="merge_pull_request")
async def merge_pull_request(issue: IssueRef, approved_head: str | None = None) -> PullOutcome:
    SCRIPT.merged_heads.append(approved_head)
    return PullOutcome(1, "merged", approved_head, "merge-sha")


@activity.defn(name="close_pull_request")
async def close_pull_request(issue: IssueRef) -> PullOutcome | None:
    return PullOutcome(1, "closed")


@activity.defn(name="read_checks")
async def read_checks(issue: IssueRef) -> ChecksReport:
    SCRIPT.ci_reads += 1
    if SCRIPT.ci_refused:
        raise ApplicationError("the forge refused MCC's credentials", non_retryable=True)
    if not SCRIPT.ci:
        return ChecksReport("head", "none")
    return SCRIPT.ci.pop(0) if len(SCRIPT.ci) > 1 else SCRIPT.ci[0]


@workflow.defn(name="AgentRunWorkflow")
class StubAgentRun:
    def __init__(self) -> None:
        self.released = False
        self.cancelled = False

    @workflow.run
    async def run(self, params: AgentRunInput) -> AgentRunResult:
        SCRIPT.agent_runs.append(params.run_id.split("/", 3)[-1])
        SCRIPT.tasks.append(params.task)
        if SCRIPT.hold_agents:
            await workflow.wait_condition(lambda: self.released or self.cancelled)
        if self.cancelled:
            return AgentRunResult("cancelled", "cancelled", 1, 7)
        label = params.run_id.split("/", 3)[-1]
        outcome = SCRIPT.outcomes.get(label, "done")
        artifacts: dict[str, Any] = {
            "spec": "the spec",
            "tasks": [{"title": "one task"}],
            "verdict": "approve",
            "bugs": [],
        }
        return AgentRunResult(outcome, f"{label}: {outcome}", 1, 7, artifacts)

    @workflow.signal
    def release(self) -> None:
        self.released = True

    @workflow.signal
    def cancel(self) -> None:
        self.cancelled = True

    @workflow.signal
    def pause(self) -> None:
        pass

    @workflow.signal
    def resume(self) -> None:
        pass


@pytest.fixture
async def run(temporal_client: Client) -> AsyncIterator[Any]:
    """Start an IssueWorkflow against the stubs; yields a starter."""
    global SCRIPT
    SCRIPT = Script()
    queue = f"issue-unit-{uuid.uuid4().hex[:8]}"
    async with Worker(
        temporal_client,
        task_queue=queue,
        workflows=[IssueWorkflow, StubAgentRun],
        activities=[
            prepare_issue,
            record_phase,
            record_run_paused,
            open_round,
            post_issue_note,
            integrate_branch,
            run_tests,
            open_pull_request,
            merge_pull_request,
            close_pull_request,
            read_checks,
        ],
        workflow_runner=UnsandboxedWorkflowRunner(),
    ):

        async def start(**limits: int) -> WorkflowHandle[IssueWorkflow, Any]:
            return await temporal_client.start_workflow(
                IssueWorkflow.run,
                IssueRunInput(1, "unit", 1, **limits),
                id=f"issue/unit-{uuid.uuid4().hex[:8]}/1",
                task_queue=queue,
                execution_timeout=timedelta(minutes=2),
            )

        yield start


async def _phase(handle: WorkflowHandle[IssueWorkflow, Any]) -> str:
    return (await handle.query(IssueWorkflow.status)).phase


async def _waiting(handle: WorkflowHandle[IssueWorkflow, Any], phase: str, round_: int) -> None:
    async def there() -> bool:
        status = await handle.query(IssueWorkflow.status)
        return status.phase == phase and status.round == round_

    await eventually(there, 20, f"{phase} in round {round_}")


async def test_pause_resume_and_blocks_in_any_order_leave_the_stored_phase_and_pause_as_the_runs(
    run,
):
    handle = await run()
    SCRIPT.hold_agents = True
    await eventually(lambda: _is(_phase(handle), "planning"), 20, "planning")
    signals = ["pause", "resume", "blocked", "unblocked"]
    orders = list(itertools.permutations(signals))
    for order in random.Random(17).sample(orders, 8):
        for name in order:
            if name in ("pause", "resume"):
                await handle.signal(name)
            else:
                reason = "BudgetExceeded" if name == "blocked" else None
                await handle.signal(IssueWorkflow.child_blocked, ChildBlocked(reason))
        paused = order.index("pause") > order.index("resume")
        blocked = order.index("blocked") > order.index("unblocked")
        wanted = "paused" if paused else "budget_blocked" if blocked else "planning"

        async def settled(wanted: str = wanted, paused: bool = paused) -> bool:
            shown = (SCRIPT.shown_paused[-1:] or [False]) == [paused]  # on the conversation
            return await _phase(handle) == wanted and SCRIPT.stored[-1] == wanted and shown

        await eventually(settled, 20, f"{wanted} after {order}")
    assert SCRIPT.overlaps == 0  # one phase write at a time
    await handle.signal("resume")
    await handle.signal(IssueWorkflow.child_blocked, ChildBlocked(None))
    await handle.cancel()


async def _is(value: Any, expected: Any) -> bool:
    return await value == expected


async def test_the_merge_waits_for_an_approval_of_its_round_and_merges_the_approved_head(run):
    handle = await run()
    await _waiting(handle, "awaiting_approval", 1)
    assert [r.gate for r in SCRIPT.rounds] == ["merge"]
    await handle.signal(IssueWorkflow.decide, Decided(1, "approve", "", "head-1"))
    result = await handle.result()
    assert result.phase == "done" and SCRIPT.merged_heads == ["head-1"]
    assert SCRIPT.stored[-3:] == ["awaiting_approval", "merging", "done"]


async def test_a_rejection_goes_to_a_coder_and_opens_the_next_round(run):
    handle = await run()
    await _waiting(handle, "awaiting_approval", 1)
    await handle.signal(IssueWorkflow.decide, Decided(1, "reject", "say hello instead", "head-1"))
    await _waiting(handle, "awaiting_approval", 2)
    assert "coder_1/rework-1" in SCRIPT.agent_runs
    assert any("say hello instead" in task for task in SCRIPT.tasks)
    # A second decision on the decided round is not taken as the next round's.
    await handle.signal(IssueWorkflow.decide, Decided(1, "approve", "", "head-1"))
    await asyncio.sleep(0.5)
    assert await _phase(handle) == "awaiting_approval"
    await handle.signal(IssueWorkflow.decide, Decided(2, "approve", "", "head-2"))
    assert (await handle.result()).phase == "done"
    assert SCRIPT.merged_heads == ["head-2"]
    # Each phase is stored with the counts so far, for the page once the run is gone.
    assert SCRIPT.rounds[0].loops == Loops(1, 1, 0)
    assert SCRIPT.rounds[1].loops == SCRIPT.loops[-1] == Loops(2, 2, 1)


async def test_the_spec_gate_sends_a_rejected_spec_back_to_the_architect(run):
    SCRIPT.spec_gate = True
    handle = await run()
    await _waiting(handle, "awaiting_approval", 1)
    assert (await handle.query(IssueWorkflow.status)).gate == "spec"
    await handle.signal(IssueWorkflow.decide, Decided(1, "reject", "smaller tasks"))
    await _waiting(handle, "awaiting_approval", 2)
    assert SCRIPT.agent_runs[:2] == ["architect/plan-1", "architect/plan-2"]
    assert "smaller tasks" in SCRIPT.tasks[1]
    assert [r.gate for r in SCRIPT.rounds] == ["spec", "spec"]
    await handle.signal(IssueWorkflow.decide, Decided(2, "approve"))
    await _waiting(handle, "awaiting_approval", 3)
    assert SCRIPT.rounds[-1].gate == "merge"
    await handle.cancel()


async def test_an_agent_that_cannot_finish_waits_in_needs_attention_until_retry(run):
    SCRIPT.outcomes["architect/plan-1"] = "needs_attention"
    handle = await run()
    await _waiting(handle, "needs_attention", 1)
    status = await handle.query(IssueWorkflow.status)
    assert "architect could not finish" in (status.error or "")
    assert SCRIPT.rounds[0].resume_phase == "planning"
    await handle.signal(IssueWorkflow.decide, Decided(1, "retry"))
    await _waiting(handle, "awaiting_approval", 2)
    assert "architect/plan-1-retry-1" in SCRIPT.agent_runs
    assert (await handle.query(IssueWorkflow.status)).error is None
    await handle.cancel()


async def test_failing_tests_stop_after_the_loop_bound_in_needs_attention(run):
    SCRIPT.tests_pass = False
    handle = await run(max_test_loops=2)
    await _waiting(handle, "needs_attention", 1)
    status = await handle.query(IssueWorkflow.status)
    assert status.test_loops == 3 and "after 2 rounds" in (status.error or "")
    assert [label for label in SCRIPT.agent_runs if label.startswith("coder_1/fix")] == [
        "coder_1/fix-1",
        "coder_1/fix-2",
    ]
    await handle.cancel()


@pytest.mark.parametrize("where", ["planning", "awaiting_approval", "needs_attention"])
async def test_cancel_ends_the_run_cancelled_from_any_phase(run, where):
    if where == "planning":
        SCRIPT.hold_agents = True
    if where == "needs_attention":
        SCRIPT.outcomes["architect/plan-1"] = "needs_attention"
    handle = await run()
    if where == "planning":
        await eventually(lambda: _is(_phase(handle), "planning"), 20, "planning")
        await handle.signal("cancel")
    else:
        await _waiting(handle, where, 1)
        await handle.signal(IssueWorkflow.decide, Decided(1, "cancel"))
    result = await handle.result()
    assert result.phase == "cancelled"
    assert SCRIPT.stored[-1] == "cancelled" and SCRIPT.merged_heads == []


async def test_a_cancel_during_a_step_ends_the_run_before_its_next_agent_or_gate(run):
    """Cancelled while the tests run: no reviewer starts, no approval is asked for (the
    person would be told the pull request is ready to merge), nothing merges."""
    SCRIPT.hold_tests = asyncio.Event()
    handle = await run()

    async def testing() -> bool:
        return SCRIPT.tests_run == 1

    await eventually(testing, 20, "the tests to run")
    await handle.signal("cancel")
    await asyncio.sleep(0.5)  # the signal is in the run's history before the step ends
    SCRIPT.hold_tests.set()
    result = await handle.result()
    assert result.phase == "cancelled"
    assert not [label for label in SCRIPT.agent_runs if label.startswith("reviewer")]
    assert SCRIPT.rounds == [] and SCRIPT.merged_heads == []
    assert SCRIPT.stored[-1] == "cancelled" and "review" not in SCRIPT.stored


RUNNING = ChecksReport("h1", "pending", [Check("build", "pending")])


async def test_ci_that_never_finishes_needs_attention_after_the_timeout_and_retry_waits_again(
    run,
):
    SCRIPT.ci = [RUNNING]
    handle = await run(ci_timeout_s=2, ci_poll_s=1)
    await _waiting(handle, "needs_attention", 1)
    status = await handle.query(IssueWorkflow.status)
    assert "CI did not finish" in (status.error or "") and "build" in (status.error or "")
    assert SCRIPT.ci_reads >= 2  # reread while waiting, without any check event
    assert not [r for r in SCRIPT.rounds if r.gate == "merge"]  # no approval asked
    SCRIPT.ci = [ChecksReport("h1", "success", [Check("build", "success")])]
    await handle.signal(IssueWorkflow.decide, Decided(1, "retry"))
    await _waiting(handle, "awaiting_approval", 2)
    assert (await handle.query(IssueWorkflow.status)).ci == "CI: passed (1 of 1 checks green)"
    await handle.cancel()


async def test_a_check_event_wakes_the_wait_at_once(run):
    SCRIPT.ci = [RUNNING, RUNNING]
    handle = await run(ci_poll_s=600)
    await eventually(lambda: _is(_reads(), 1), 20, "the first read of CI")
    SCRIPT.ci = [ChecksReport("h1", "success", [Check("build", "success")])]
    await handle.signal(IssueWorkflow.checks_changed)
    await _waiting(handle, "awaiting_approval", 1)
    await handle.cancel()


async def _reads() -> int:
    return SCRIPT.ci_reads


async def test_a_head_without_checks_waits_when_an_earlier_head_of_the_run_had_them(run):
    """Checks are created a moment after a push: none yet on a new head is not "no CI"."""
    failing = ChecksReport("h1", "failure", [Check("build", "failure", "boom")])
    SCRIPT.ci = [failing, ChecksReport("h2", "none")]
    handle = await run(ci_poll_s=600)
    await eventually(lambda: _is(_reads(), 2), 20, "the read of the fixed head")
    await asyncio.sleep(0.5)
    assert await _phase(handle) == "testing"
    SCRIPT.ci = [ChecksReport("h2", "success", [Check("build", "success")])]
    await handle.signal(IssueWorkflow.checks_changed)
    await _waiting(handle, "awaiting_approval", 1)
    await handle.cancel()


async def test_a_ci_failure_goes_to_a_coder_with_the_check_and_its_output(run):
    failing = Check("build", "failure", "AssertionError: 1 != 2", "https://ci/1")
    green = ChecksReport("h2", "success", [Check("build", "success")])
    SCRIPT.ci = [ChecksReport("h1", "failure", [failing]), green]
    handle = await run()
    await _waiting(handle, "awaiting_approval", 1)
    assert "coder_1/ci-1" in SCRIPT.agent_runs
    brief = next(t for t in SCRIPT.tasks if t.startswith("[ci]"))
    assert "build (https://ci/1)" in brief and "AssertionError: 1 != 2" in brief
    # The fix is tested and reviewed again before the approval.
    assert SCRIPT.agent_runs.index("reviewer/review-2") > SCRIPT.agent_runs.index("coder_1/ci-1")
    status = await handle.query(IssueWorkflow.status)
    assert status.ci_loops == 1 and status.ci == "CI: passed (1 of 1 checks green)"
    await handle.cancel()


async def test_ci_that_keeps_failing_needs_attention_after_the_rounds_of_fixes(run):
    SCRIPT.ci = [ChecksReport("h1", "failure", [Check("build", "failure", "boom")])]
    handle = await run(max_test_loops=1)
    await _waiting(handle, "needs_attention", 1)
    status = await handle.query(IssueWorkflow.status)
    assert "CI still fails after 1 rounds of fixes" in (status.error or "")
    assert status.ci_loops == 2  # the first failure was fixed once, the second asks the person
    assert not [r for r in SCRIPT.rounds if r.gate == "merge"]
    await handle.cancel()


async def test_ci_that_cannot_be_read_needs_attention_and_retry_reads_again(run):
    SCRIPT.ci_refused = True
    handle = await run()
    await _waiting(handle, "needs_attention", 1)
    status = await handle.query(IssueWorkflow.status)
    assert "CI could not be read: the forge refused" in (status.error or "")
    SCRIPT.ci_refused = False
    await handle.signal(IssueWorkflow.decide, Decided(1, "retry"))
    await _waiting(handle, "awaiting_approval", 2)
    await handle.cancel()
