"""The embedded Temporal keeps a finished run for thirty days, not `start-dev`'s one:
the issue page's link to the run, and the run's history in the Temporal UI, outlive
the day after the merge."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client

from mcc.config import Settings
from mcc.devserver import DevServer
from tests.conftest import free_port


async def test_the_embedded_temporal_keeps_finished_runs_for_thirty_days(tmp_path: Path) -> None:
    address = f"127.0.0.1:{free_port()}"
    settings = Settings(
        data_dir=tmp_path / "data",
        temporal_address=address,
        temporal_ui_port=free_port(),
        temporal_namespace="mcc-keeps",
    )
    server = DevServer(settings)
    await asyncio.to_thread(server.start)
    try:
        client = await Client.connect(address, namespace="mcc-keeps")
        described = await client.workflow_service.describe_namespace(
            DescribeNamespaceRequest(namespace="mcc-keeps")
        )
    finally:
        await asyncio.to_thread(server.stop)
    retention = described.config.workflow_execution_retention_ttl.ToTimedelta()
    assert retention == timedelta(days=30)
