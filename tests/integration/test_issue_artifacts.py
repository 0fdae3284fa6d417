"""What an issue's run produced (the spec, the latest test report, the latest review, the
error it stopped on, its loop counts) stays on the issue's page when the run cannot be
asked: while no worker answers its query, and once Temporal has deleted it (its
namespace's retention does, a day after the run ended)."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from api.server import MccServer
from mcc.agents.briefs import TaskKind
from tests.support.company import Rule, call, finish
from tests.support.decisions import decide
from tests.support.repos import make_repo
from tests.support.waiting import eventually, wait_for_phase
from workflows.issue import IssueWorkflow


async def _project(api, tmp_path) -> int:
    repo = make_repo(tmp_path / "src", {"README.md": "# kept\n"})
    name = f"Kept {uuid.uuid4().hex[:6]}"
    project = (await api.post("/api/projects", json={"name": name, "repo_path": str(repo)})).json()
    updated = await api.patch(f"/api/projects/{project['id']}", json={"test_command": "true"})
    assert updated.status_code == 200, updated.text
    return int(project["id"])


async def _delete_run(client: Client, workflow_id: str) -> None:
    """Delete the run's history as the namespace's retention does once it expires."""
    await client.workflow_service.delete_workflow_execution(
        DeleteWorkflowExecutionRequest(
            namespace=client.namespace,
            workflow_execution=WorkflowExecution(workflow_id=workflow_id),
        )
    )

    async def gone() -> bool:
        try:
            await client.get_workflow_handle(workflow_id).describe()
        except RPCError as exc:
            return exc.status == RPCStatusCode.NOT_FOUND
        return False

    await eventually(gone, 120, f"Temporal to delete {workflow_id}")


LOOPS = ("test_loops", "review_loops", "rejections")


async def test_a_merged_issue_keeps_spec_tests_review_and_loops_after_temporal_deleted_its_run(
    api, mcc: MccServer, company, tmp_path
):
    pid = await _project(api, tmp_path)
    await api.post(f"/api/projects/{pid}/issues", json={"title": "Greet", "body": "Say hello."})
    await wait_for_phase(api, pid, 1, "awaiting_approval", 60)
    # One rejection: the rework is tested and reviewed again, so every count is above 0.
    assert (await decide(api, pid, 1, "reject", feedback="Louder")).status_code == 202

    async def back_for_approval() -> dict | None:
        issue = (await api.get(f"/api/projects/{pid}/issues/1")).json()
        return issue if issue["phase"] == "awaiting_approval" and issue["round"] == 2 else None

    await eventually(back_for_approval, 60, "the rework to come back for approval")
    assert (await decide(api, pid, 1, "approve")).status_code == 202
    done = await wait_for_phase(api, pid, 1, "done", 60)
    assert {k: done[k] for k in LOOPS} == {"test_loops": 2, "review_loops": 2, "rejections": 1}

    await _delete_run(mcc.temporal.client, done["workflow_id"])

    page = (await api.get(f"/api/projects/{pid}/issues/1")).json()
    assert page["phase"] == "done" and page["state"] == "closed"
    assert page["spec"] == "# Greet\n\nSay hello."
    assert page["test_report"] is not None
    assert (page["test_report"]["command"], page["test_report"]["passed"]) == ("true", True)
    assert page["review"] == "looks good" and page["review_verdict"] == "approve"
    assert page["error"] is None
    # What it showed while the run answered, it shows now.
    kept = ("spec", "test_report", "review", "review_verdict", "error", "conversation_id", *LOOPS)
    assert {k: page[k] for k in kept} == {k: done[k] for k in kept}
    # The list too: it never asks a run, so it showed 0 for every count.
    listed = (await api.get(f"/api/projects/{pid}/issues")).json()
    assert {k: listed[0][k] for k in LOOPS} == {k: done[k] for k in LOOPS}


@pytest.mark.external_worker
async def test_a_run_needing_attention_shows_what_it_produced_while_no_worker_answers(
    api, settings, company, tmp_path
):
    company.rules += [
        Rule(
            "reviewer",
            TaskKind.REVIEW,
            heading="Review round 1",
            steps=[call("request_changes", comments="Name the greeting."), finish("changes")],
        ),
        Rule(
            "reviewer",
            TaskKind.REVIEW,
            heading="Review round 2",
            steps=[finish("the diff does not load", outcome="blocked")],
        ),
    ]
    pid = await _project(api, tmp_path)
    worker = MccServer(settings, api=False)
    await worker.start()
    try:
        await api.post(f"/api/projects/{pid}/issues", json={"title": "Greet", "body": "Hi."})
        live = await wait_for_phase(api, pid, 1, "needs_attention", 120)
    finally:
        await worker.stop()
    assert live["review_loops"] == 2

    client = api._mcc.temporal.client
    with pytest.raises(RPCError):  # the run is there, but nothing answers its query
        await client.get_workflow_handle(live["workflow_id"]).query(
            IssueWorkflow.status, rpc_timeout=timedelta(seconds=3)
        )
    started = time.monotonic()
    page = (await api.get(f"/api/projects/{pid}/issues/1")).json()
    # No worker reports any more: the page does not wait the query's 3 s for nothing.
    assert time.monotonic() - started < 3
    # The open round too: the retry the person sends names it.
    assert page["phase"] == "needs_attention" and page["gate"] == "attention"
    assert page["spec"] == "# Greet\n\nHi."
    assert page["test_report"] is not None and page["test_report"]["command"] == "true"
    assert page["review"] == "Name the greeting." and page["review_verdict"] == "changes"
    assert page["error"] is not None
    assert "reviewer could not finish (blocked): the diff does not load" in page["error"]
    assert {k: page[k] for k in LOOPS} == {"test_loops": 2, "review_loops": 2, "rejections": 0}
    kept = ("spec", "test_report", "review", "error", "conversation_id", *LOOPS)
    assert {k: page[k] for k in kept} == {k: live[k] for k in kept}
    assert page["conversation_id"] is not None
