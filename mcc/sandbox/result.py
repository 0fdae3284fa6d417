"""What running a command in the sandbox gives back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# wall_time: MCC killed it at the wall-clock limit; cpu_time: the kernel did, at
# RLIMIT_CPU; process_limit: MCC killed it when it hit the process cap;
# memory_limit: its processes together passed the command's memory; disk_limit:
# the worktree grew past what a run may hold.
KillReason = Literal["wall_time", "cpu_time", "process_limit", "memory_limit", "disk_limit"]


@dataclass(frozen=True)
class CommandResult:
    exit_code: int | None  # None when MCC killed the command; 128+N after signal N
    stdout: str
    stderr: str
    timed_out: bool  # killed at the wall-clock or CPU-time limit
    killed_reason: KillReason | None
    truncated: bool  # stdout or stderr was cut to the output limit (a marker says where)
    duration_s: float
    stdout_bytes: int = 0  # what the command wrote, before any cut
    stderr_bytes: int = 0

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.killed_reason is None
