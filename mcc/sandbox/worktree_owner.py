"""The worktree belongs to the sandbox's user while its commands run.

When MCC runs as root, commands run as an unprivileged uid (see `bwrap`), which
must be able to write what MCC's own tools and git wrote as root. So before a
command starts, everything in the worktree not yet that user's is handed over.
MCC (root) keeps full access either way, and its git accepts the tree
(`safe.directory` in `mcc.git.hardening`).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def hand_over(worktree: Path, uid: int, gid: int) -> int:
    """lchown every entry of `worktree` (itself included) to uid:gid; returns how many changed.

    The worktree's own `.git` file stays MCC's: it names MCC's repository and is
    bound read-only into the sandbox. Symlinks are changed, never followed.
    """
    changed = 0

    def own(path: str, st: os.stat_result) -> None:
        nonlocal changed
        if st.st_uid != uid or st.st_gid != gid:
            with contextlib.suppress(FileNotFoundError):
                os.lchown(path, uid, gid)
                changed += 1

    top = str(worktree)
    own(top, os.lstat(top))
    stack = [top]
    while stack:
        directory = stack.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                if directory == top and entry.name == ".git":
                    continue
                st = entry.stat(follow_symlinks=False)
                own(entry.path, st)
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
    return changed
