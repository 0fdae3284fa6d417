"""MCC commands as real child processes, to kill and restart them in tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from mcc.config import Settings

MCC = [sys.executable, "-m", "api.cli"]


def mcc_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCC_")}
    env.update(
        {
            "MCC_DATA_DIR": str(settings.data_dir),
            "MCC_DATABASE_URL": settings.resolved_database_url,
            "MCC_TEMPORAL_ADDRESS": settings.temporal_address,
            "MCC_TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
            "MCC_TEMPORAL_EMBEDDED": "false",
            "MCC_LLM_BASE_URL": settings.llm_base_url,
            "MCC_AGENT_DEFAULT_MODEL": settings.agent_default_model,
            "MCC_WORKER_SHUTDOWN_GRACE_S": str(settings.worker_shutdown_grace_s),
            **extra,
        }
    )
    return env


def start_mcc(command: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [*MCC, command],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def kill_hard(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL, as a crash or an OOM kill would: no cleanup runs."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def stop(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            return process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.wait()
