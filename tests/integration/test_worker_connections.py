"""A worker process polls its task queue through several workers, one per connection."""

from __future__ import annotations

import asyncio

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import (
    DescribeTaskQueueRequest,
    ListTaskQueuePartitionsRequest,
)


async def pollers(mcc, kind: TaskQueueType.ValueType) -> set[str]:
    """Who polls the queue, over all its partitions. A describe reports one partition
    (the root, given the queue's name), and a worker whose activity pollers all wait on
    other partitions (eager dispatch leaves them in minute-long polls) is missing there."""
    client = mcc.temporal.client
    queue = TaskQueue(name=mcc.settings.temporal_task_queue)
    listed = await client.workflow_service.list_task_queue_partitions(
        ListTaskQueuePartitionsRequest(namespace=client.namespace, task_queue=queue)
    )
    partitions = (
        listed.workflow_task_queue_partitions
        if kind == TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW
        else listed.activity_task_queue_partitions
    )
    seen: set[str] = set()
    for partition in partitions:
        response = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=client.namespace,
                task_queue=TaskQueue(name=partition.key),
                task_queue_type=kind,
            )
        )
        seen |= {poller.identity for poller in response.pollers}
    return seen


async def test_each_connection_polls_for_workflow_and_activity_tasks(mcc):
    expected = mcc.settings.worker_connections
    assert expected > 1  # the default: one worker's hand-offs queued under load
    assert len(mcc.workers) == expected
    for kind in (TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY):
        seen: set[str] = set()
        for _ in range(100):  # pollers register as their first long poll arrives
            seen = await pollers(mcc, kind)
            if len(seen) == expected:
                break
            await asyncio.sleep(0.1)
        assert len(seen) == expected, seen
        numbers = {identity.rsplit("/", 1)[-1] for identity in seen}
        assert numbers == {str(n) for n in range(1, expected + 1)}


async def test_the_workers_share_the_process_activity_slots(mcc):
    total = mcc.settings.worker_max_activities
    slots = [worker.config()["max_concurrent_activities"] for worker in mcc.workers]
    assert sum(slots) <= total
    assert min(slots) == total // len(slots)
