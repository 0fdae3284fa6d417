"""The one place that lists MCC's workflows and activities (used by `mcc up`,
`mcc worker` and the tests alike)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker

from activities.forge import ForgeActivities
from activities.git import GitActivities
from activities.store import StoreActivities
from mcc.runtime import Runtime
from workflows.issue import IssueWorkflow

WORKFLOWS: Sequence[type] = (IssueWorkflow,)


def activities_of(runtime: Runtime) -> list[Callable[..., Any]]:
    store, git, forge = StoreActivities(runtime), GitActivities(runtime), ForgeActivities(runtime)
    return [
        store.record_phase,
        git.commit_issue_spec,
        forge.open_pull_request,
        forge.merge_pull_request,
        forge.close_pull_request,
    ]


def build_worker(client: Client, runtime: Runtime) -> Worker:
    return Worker(
        client,
        task_queue=runtime.settings.temporal_task_queue,
        workflows=list(WORKFLOWS),
        activities=activities_of(runtime),
        max_concurrent_activities=50,
    )
