"""The Temporal dev server the tests, the bench and the history recorder run on: the
binary `mcc up` runs, with MCC's search attributes and its `TUNING`."""

from __future__ import annotations

from temporalio.testing import WorkflowEnvironment

from mcc.devserver import temporal_binary, tuning_flags
from workflows.search_attributes import ALL


async def start_dev_server(log_level: str = "error") -> WorkflowEnvironment:
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(temporal_binary()),
        search_attributes=ALL,
        dev_server_log_level=log_level,
        dev_server_extra_args=tuning_flags(),
    )
