"""Nested repositories in an agent's worktree are refused, never committed.

git stores a nested repository as a gitlink (a submodule without a
`.gitmodules` entry): the commit would carry a pointer to a repository no one
else has, and every later git command on the tree would have to leave it alone
(see `hardening`). Refusing is the clear answer for an agent: it can delete
the nested `.git` and commit the files themselves.
"""

from __future__ import annotations

import os
from pathlib import Path

from mcc.errors import InvalidInput

_SHOWN = 5


class NestedRepository(InvalidInput):
    code = "nested_repository"


def nested_repositories(worktree: Path) -> list[str]:
    """Directories below `worktree` holding a `.git` of their own (relative, sorted)."""
    found: list[str] = []
    for directory, subdirs, files in os.walk(worktree):
        here = Path(directory)
        if here != worktree and (".git" in subdirs or ".git" in files):
            found.append(here.relative_to(worktree).as_posix())
        subdirs[:] = [name for name in subdirs if name != ".git"]  # os.walk skips symlinks
    return sorted(found)


def refuse_nested_repositories(worktree: Path) -> None:
    """Raise `NestedRepository` naming what to remove, if the worktree holds any."""
    found = nested_repositories(worktree)
    if not found:
        return
    shown = ", ".join(f"{path}/.git" for path in found[:_SHOWN])
    more = f" and {len(found) - _SHOWN} more" if len(found) > _SHOWN else ""
    raise NestedRepository(
        f"nested git repositories are not committed: {shown}{more}. Remove their .git "
        "(e.g. `rm -rf sub/.git`) to commit the files themselves"
    )
