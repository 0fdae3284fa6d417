"""Whether a worker polls MCC's task queue, as Temporal last saw it.

An API without a worker (scaled mode before `mcc worker` starts, or every worker
dead) accepts issues that then stay queued with nothing said; health asks
Temporal which workers poll the queue (DescribeTaskQueue) to say so.

Temporal keeps a worker in that list for minutes after it stopped
(`matching.PollerHistoryTTL`, five by default), with the time of its last poll.
A live worker polls again at least once a minute (an idle long poll is answered
empty after `matching.longPollExpirationInterval`, one minute), so pollers not
seen for two minutes are counted as gone: a killed worker is still reported for
up to two minutes, a live one never missing (with the API's and Temporal's
clocks within a minute of each other).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Literal

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import PollerInfo, TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

log = logging.getLogger(__name__)

WorkerState = Literal["ok", "none", "unknown"]

# A run needs both: workflow tasks move it, activity tasks do its work.
_TYPES = (TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY)
_SEEN_WITHIN = timedelta(minutes=2)
# A health probe gives up after a few seconds; Temporal's answer must come well before.
_ANSWER_WITHIN = timedelta(seconds=2)


async def worker_state(client: Client | None, task_queue: str) -> WorkerState:
    """Whether a worker polls both the workflow and the activity tasks of `task_queue`
    ("ok" or "none"), or "unknown" when Temporal did not say in time."""
    if client is None:
        return "unknown"
    try:
        # Both at once: health waits for the slower, not for the sum.
        answers = await asyncio.gather(
            *(
                client.workflow_service.describe_task_queue(
                    DescribeTaskQueueRequest(
                        namespace=client.namespace,
                        task_queue=TaskQueue(name=task_queue),
                        task_queue_type=kind,
                    ),
                    timeout=_ANSWER_WITHIN,
                )
                for kind in _TYPES
            )
        )
    except Exception as exc:  # health answers whatever Temporal does
        log.info("could not ask Temporal who polls %s: %s", task_queue, exc)
        return "unknown"
    now = datetime.now(UTC)
    polled = all(any(_recent(p, now) for p in answer.pollers) for answer in answers)
    return "ok" if polled else "none"


def _recent(poller: PollerInfo, now: datetime) -> bool:
    return now - poller.last_access_time.ToDatetime(tzinfo=UTC) < _SEEN_WITHIN
