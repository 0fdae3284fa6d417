"""The one place that lists MCC's workflows and activities (used by `mcc up`,
`mcc worker` and the tests alike)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from temporalio.client import Client
from temporalio.worker import Interceptor, Worker

from activities.agents import AgentActivities
from activities.forge import ForgeActivities
from activities.orchestrator import OrchestratorActivities
from activities.pipeline import PipelineActivities
from activities.store import StoreActivities
from mcc.runtime import Runtime
from workflows.agent_run import AgentRunWorkflow
from workflows.issue import IssueWorkflow
from workflows.orchestrator import OrchestratorWorkflow
from workflows.validated_once import SandboxValidatedOnce

WORKFLOWS: Sequence[type] = (IssueWorkflow, AgentRunWorkflow, OrchestratorWorkflow)


def activities_of(runtime: Runtime) -> list[Callable[..., Any]]:
    store, forge = StoreActivities(runtime), ForgeActivities(runtime)
    pipeline = PipelineActivities(runtime)
    agents = AgentActivities(runtime)
    orchestrator = OrchestratorActivities(runtime)
    return [
        agents.open_run_conversation,
        agents.start_agent_run,
        agents.llm_step,
        agents.run_tool,
        agents.end_agent_run,
        store.record_phase,
        store.record_run_paused,
        store.open_round,
        pipeline.prepare_issue,
        pipeline.integrate_branch,
        pipeline.run_tests,
        pipeline.post_issue_note,
        forge.open_pull_request,
        forge.merge_pull_request,
        forge.close_pull_request,
        forge.read_checks,
        orchestrator.open_orchestrator,
        orchestrator.llm_step,
        orchestrator.run_tool,
        orchestrator.note,
    ]


def build_workers(
    clients: Sequence[Client], runtime: Runtime, interceptors: Sequence[Interceptor] = ()
) -> list[Worker]:
    """One worker per connection, sharing the process's activities and activity slots.

    Why several: the SDK moves tasks from its core to Python through one poll at a
    time per worker, and each hand-off takes a few turns of the event loop; under
    load tasks queued there. The core refuses two workers of one task queue on one
    connection, hence a connection each; each worker shows in the Temporal UI as
    the process's identity with its number.
    """
    activities = activities_of(runtime)
    share = max(1, runtime.settings.worker_max_activities // len(clients))
    return [
        Worker(
            client,
            task_queue=runtime.settings.temporal_task_queue,
            workflows=list(WORKFLOWS),
            workflow_runner=SandboxValidatedOnce(),
            activities=activities,
            max_concurrent_activities=share,
            interceptors=interceptors,
            identity=f"{client.identity}/{n}",
            graceful_shutdown_timeout=timedelta(seconds=runtime.settings.worker_shutdown_grace_s),
        )
        for n, client in enumerate(clients, 1)
    ]


def build_worker(
    client: Client, runtime: Runtime, interceptors: Sequence[Interceptor] = ()
) -> Worker:
    """A lone worker with all the process's slots (tests that wrap its activities)."""
    [worker] = build_workers([client], runtime, interceptors)
    return worker
