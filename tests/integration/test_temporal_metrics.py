"""MCC_TEMPORAL_METRICS_ADDRESS: a process serves the Temporal SDK's Prometheus metrics, the
figures that say when a deployment needs more workers; an address it cannot bind stops it
at start with one sentence."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

from api.server import MccServer
from mcc.db.migrate import upgrade
from tests.conftest import free_port
from tests.support.http import local_client
from tests.support.processes import MCC
from tests.support.waiting import eventually


async def test_a_worker_serves_its_temporal_metrics(settings) -> None:
    address = f"127.0.0.1:{free_port()}"
    server = MccServer(settings.model_copy(update={"temporal_metrics_address": address}))
    await server.start()
    try:
        async with local_client() as client:

            async def polling() -> str | None:
                text = (await client.get(f"http://{address}/metrics")).text
                return text if "temporal_long_request" in text else None

            text = await eventually(polling, 30, "the worker's polls in its metrics")
        assert f'task_queue="{settings.temporal_task_queue}"' in text
        assert "temporal_worker_task_slots_available" in text
    finally:
        await server.stop()


def test_an_address_that_cannot_be_bound_is_named_at_start(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'mcc.db'}"
    upgrade(url)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        address = f"127.0.0.1:{taken.getsockname()[1]}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("MCC_")} | {
            "MCC_DATA_DIR": str(tmp_path / "data"),
            "MCC_DATABASE_URL": url,
            "MCC_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
            "MCC_TEMPORAL_EMBEDDED": "false",
            "MCC_TEMPORAL_METRICS_ADDRESS": address,
        }
        done = subprocess.run([*MCC, "worker"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.strip() == (
        f"mcc: MCC_TEMPORAL_METRICS_ADDRESS={address}: Failed starting Prometheus exporter:"
        " Address already in use (os error 98)"
    )
