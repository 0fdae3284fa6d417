"""The API's side of OrchestratorWorkflow: the person's message reaches their orchestrator,
started on first use (signal-with-start: a run already going just gets the signal)."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError

from mcc.config import Settings
from mcc.errors import ServiceUnavailable
from mcc.orchestrator.conversation import orchestrator_run_id
from workflows.orchestrator import OrchestratorWorkflow
from workflows.orchestrator_payloads import OrchestratorInput, OrchestratorMessage


async def tell_orchestrator(
    client: Client, settings: Settings, user_id: int, message_id: int
) -> str:
    """Deliver the person's message (already stored) to their orchestrator; returns its id."""
    run_id = orchestrator_run_id(user_id)
    try:
        await client.start_workflow(
            OrchestratorWorkflow.run,
            OrchestratorInput(
                user_id=user_id,
                max_steps=settings.orchestrator_max_steps,
                turns_per_history=settings.orchestrator_turns_per_history,
            ),
            id=run_id,
            task_queue=settings.temporal_task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            start_signal="user_message",
            start_signal_args=[OrchestratorMessage(message_id)],
        )
    except RPCError as exc:
        raise ServiceUnavailable(f"the orchestrator could not be reached: {exc.message}") from exc
    return run_id
