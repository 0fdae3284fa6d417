"""Stored histories of finished runs replay against today's workflow code.

A change that breaks determinism (a reordered activity, a removed step) fails
here, in CI, rather than in the runs people have in flight.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from workflows.worker import WORKFLOWS

HERE = Path(__file__).resolve().parent.parent / "histories"
IDS = json.loads((HERE / "workflow_ids.json").read_text())
HISTORIES = sorted(p for p in HERE.glob("*.json") if p.stem in IDS)


def test_histories_are_stored():
    names = {path.stem for path in HISTORIES}
    assert {
        "issue_workflow_done",
        "issue_workflow_reworked",
        "issue_workflow_cancelled",
        "agent_run_architect",
        "orchestrator_two_turns",
    } <= names


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
async def test_stored_history_replays_without_nondeterminism(path: Path):
    history = WorkflowHistory.from_json(IDS[path.stem], path.read_text())
    result = await Replayer(workflows=list(WORKFLOWS)).replay_workflow(
        history, raise_on_replay_failure=False
    )
    assert result.replay_failure is None, result.replay_failure
