"""How much an agent's worktree holds, watched while a command runs.

RLIMIT_FSIZE caps one file, not the files of a worktree together. A worktree has no
file system of its own to give a quota to (that would need a loop mount per
run, which a container without privileges cannot make), so MCC measures the
blocks the tree holds while the command runs and kills the command once the
tree has grown past the run's allowance. It errs late by at most what the
command writes between two measurements (`poll_seconds`) and never more than
one file's limit, which is itself capped at the allowance.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path


def usage_bytes(worktree: Path) -> int:
    """Bytes of disk the tree's files and directories take (allocated blocks)."""
    total = 0
    stack = [str(worktree)]
    while stack:
        directory = stack.pop()
        with (
            contextlib.suppress(FileNotFoundError, NotADirectoryError, PermissionError),
            os.scandir(directory) as entries,
        ):
            for entry in entries:
                with contextlib.suppress(FileNotFoundError):
                    total += entry.stat(follow_symlinks=False).st_blocks * 512
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
    return total


@dataclass
class DiskWatch:
    """Says when the worktree passed `limit_bytes` by growing during this command.

    A tree already over the limit when the command started (an earlier command
    was killed there) may still shrink: only growth past the limit is killed.
    """

    worktree: Path
    limit_bytes: int
    poll_seconds: float = 0.25
    start_bytes: int = field(init=False, default=0)
    last_bytes: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.start_bytes = self.last_bytes = usage_bytes(self.worktree)

    def exceeded(self) -> bool:
        self.last_bytes = usage_bytes(self.worktree)
        return self.last_bytes > self.limit_bytes and self.last_bytes > self.start_bytes
