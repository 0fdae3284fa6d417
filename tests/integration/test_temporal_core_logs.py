"""The Temporal SDK core's warnings (its retries while Temporal is away) reach MCC's log
as plain records: no terminal colour codes in a worker's log file."""

from __future__ import annotations

import logging

from api.server import MccServer
from tests.support.temporal import start_dev_server
from tests.support.waiting import eventually

ESC = "\x1b"


async def test_a_worker_losing_temporal_logs_plain_retry_warnings(settings, caplog, capfd):
    temporal = await start_dev_server()
    address = temporal.client.service_client.config.target_host
    server = MccServer(settings.model_copy(update={"temporal_address": address}), api=False)
    await server.start()
    try:
        with caplog.at_level(logging.WARNING, logger="temporalio.core"):
            await temporal.shutdown()  # the worker's pollers now retry, and say so

            async def retry_warnings() -> list[str]:
                return [
                    r.getMessage() for r in caplog.records if r.name.startswith("temporalio.core")
                ]

            warnings = await eventually(retry_warnings, 30, "the core's retry warnings")
    finally:
        await server.stop()
    assert any("retried" in warning for warning in warnings), warnings
    assert not [warning for warning in warnings if ESC in warning]
    # Nothing went around logging to the console either.
    assert ESC not in capfd.readouterr().err
