"""Resource limits of one sandboxed command, and the rlimits that carry most of them."""

from __future__ import annotations

import resource
from dataclasses import dataclass

from mcc.config import Settings
from mcc.errors import InvalidInput

_MB = 1024 * 1024


@dataclass(frozen=True)
class SandboxLimits:
    cpu_seconds: int = 300  # CPU time of each process (RLIMIT_CPU)
    memory_mb: int = 2048  # address space of each process (RLIMIT_AS); also the /tmp size
    max_processes: int = 256  # tasks alive at once, threads included under a cgroup
    output_bytes: int = 256 * 1024  # per stream; the middle of longer output is dropped
    wall_seconds: float = 600  # wall-clock time of the whole command
    file_size_mb: int = 1024  # largest file a process may write (RLIMIT_FSIZE)
    command_memory_mb: int = 4096  # every process of the command together (memory cgroup)
    disk_mb: int = 4096  # what the worktree may hold while the command runs

    def __post_init__(self) -> None:
        numbers = (
            self.cpu_seconds,
            self.memory_mb,
            self.max_processes,
            self.output_bytes,
            self.wall_seconds,
            self.file_size_mb,
            self.command_memory_mb,
            self.disk_mb,
        )
        if min(numbers) <= 0:
            raise InvalidInput("every sandbox limit must be positive")

    @classmethod
    def from_settings(cls, settings: Settings) -> SandboxLimits:
        return cls(
            cpu_seconds=settings.sandbox_cpu_seconds,
            memory_mb=settings.sandbox_memory_mb,
            max_processes=settings.sandbox_max_processes,
            output_bytes=settings.sandbox_output_bytes,
            wall_seconds=settings.sandbox_wall_seconds,
            command_memory_mb=settings.sandbox_command_memory_mb,
            disk_mb=settings.sandbox_disk_mb,
        )

    def _largest_file(self) -> int:
        return min(self.file_size_mb, self.disk_mb) * _MB

    def rlimits(self) -> list[tuple[int, tuple[int, int]]]:
        """(resource, (soft, hard)) pairs, never above the limits this process already has.

        The soft CPU limit sends SIGXCPU (exit 152, reported as cpu_time); one
        second later the hard limit sends SIGKILL to a process that ignored it.
        Without CAP_SYS_RESOURCE (dropped in the sandbox) no process can raise them.
        """
        wanted = {
            resource.RLIMIT_CPU: (self.cpu_seconds, self.cpu_seconds + 1),
            resource.RLIMIT_AS: (self.memory_mb * _MB, self.memory_mb * _MB),
            # No single file may be larger than the whole worktree is allowed to be.
            resource.RLIMIT_FSIZE: (self._largest_file(), self._largest_file()),
            resource.RLIMIT_CORE: (0, 0),
        }
        pairs = []
        for which, (soft, hard) in wanted.items():
            _, current_hard = resource.getrlimit(which)
            if current_hard != resource.RLIM_INFINITY:
                hard = min(hard, current_hard)
                soft = min(soft, hard)
            pairs.append((which, (soft, hard)))
        return pairs
