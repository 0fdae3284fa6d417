"""Stored histories of finished runs replay against today's workflow code.

Each directory of `tests/histories/` holds the histories one release recorded
(`python -m tests.histories.record <release>`); all of them are kept, because
runs that release started may still be in flight when MCC is upgraded. A change
that breaks determinism (a reordered activity, a removed step, a change not put
behind `workflow.patched`) fails here, in CI, rather than in those runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from workflows.agent_run import AgentRunWorkflow
from workflows.issue import IssueWorkflow
from workflows.issue_payloads import IssueRunInput, IssueRunResult
from workflows.worker import WORKFLOWS

HERE = Path(__file__).resolve().parent.parent / "histories"
RELEASES = sorted(d for d in HERE.iterdir() if (d / "workflow_ids.json").exists())
HISTORIES = sorted(
    path
    for release in RELEASES
    for path in release.glob("*.json")
    if path.stem in json.loads((release / "workflow_ids.json").read_text())
)
NAMES = {
    "issue_workflow_done",
    "issue_workflow_reworked",
    "issue_workflow_cancelled",
    "agent_run_architect",
}


def _workflow_id(path: Path) -> str:
    return str(json.loads((path.parent / "workflow_ids.json").read_text())[path.stem])


def test_histories_of_this_and_the_previous_release_are_stored():
    assert {d.name for d in RELEASES} >= {"before_rounds", "rounds", "ci_checks"}
    for release in ("before_rounds", "rounds", "ci_checks"):
        assert {p.stem for p in HISTORIES if p.parent.name == release} >= NAMES


def test_the_orchestrators_history_is_stored():
    assert "orchestrator_two_turns" in {
        p.stem for p in HISTORIES if p.parent.name == "orchestrator"
    }


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: f"{p.parent.name}/{p.stem}")
async def test_stored_history_replays_without_nondeterminism(path: Path):
    history = WorkflowHistory.from_json(_workflow_id(path), path.read_text())
    result = await Replayer(workflows=list(WORKFLOWS)).replay_workflow(
        history, raise_on_replay_failure=False
    )
    assert result.replay_failure is None, result.replay_failure


@workflow.defn(name="IssueWorkflow", sandboxed=False)
class _NotesDropped(IssueWorkflow):
    """Today's workflow with one activity removed and no patch: not deterministic."""

    @workflow.run
    async def run(self, params: IssueRunInput) -> IssueRunResult:
        return await super().run(params)

    async def _note(self, *args: Any) -> None:
        return None


@pytest.mark.parametrize("release", ["before_rounds", "rounds", "ci_checks"])
async def test_a_change_without_a_patch_fails_the_replay(release: str):
    path = HERE / release / "issue_workflow_done.json"
    history = WorkflowHistory.from_json(_workflow_id(path), path.read_text())
    result = await Replayer(workflows=[_NotesDropped, AgentRunWorkflow]).replay_workflow(
        history, raise_on_replay_failure=False
    )
    assert result.replay_failure is not None
