"""Settings of an MCC that tests, benches and the history recorder start themselves."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from mcc.config import Settings

ROOT = Path(__file__).resolve().parent.parent.parent
# The API's rate limits as a person meets them (local_settings raises them: tests poll).
DEFAULT_LIMITS: dict[str, Any] = {
    name: Settings.model_fields[name].default
    for name in ("rate_limit_per_minute", "login_failures_per_minute")
}


def local_settings(
    data_dir: Path, database_url: str, temporal_address: str, queue: str, **extra: Any
) -> Settings:
    """On a free port, against an existing Temporal, with its own task queue.

    Limits are raised because tests poll; tests of the limits pass their own.
    """
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": database_url,
        "port": 0,
        "temporal_address": temporal_address,
        "temporal_task_queue": f"{queue}-{uuid.uuid4().hex[:8]}",
        "temporal_embedded": False,
        "frontend_dist": ROOT / "frontend" / "dist",
        "agent_default_model": "test/model",
        "rate_limit_per_minute": 100_000,
        "login_failures_per_minute": 1_000,
        # Tests stop MCC with answers still held; the grace has its own test.
        "worker_shutdown_grace_s": 0,
    }
    values.update(extra)
    return Settings(**values)
