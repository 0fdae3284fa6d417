"""Which paths may be registered as a project's repository, checked before git runs.

A path is taken after resolving symlinks (`/proc/self/cwd`, a link into another
account's checkout), so every later check and the stored path mean the same
directory. Refused with a sentence a person understands: a relative path, a
path on a kernel file system (`/proc`, `/sys`, `/dev`), a path inside MCC's own
data directory (another project's origin or an agent's worktree), and one
outside `MCC_REPO_ROOTS` when that is set.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from mcc.errors import InvalidInput

# Kernel and virtual file systems: nothing on them is a person's repository.
SPECIAL_FS = frozenset(
    {
        "proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "debugfs", "tracefs",
        "securityfs", "pstore", "bpf", "mqueue", "hugetlbfs", "configfs", "fusectl",
        "binfmt_misc", "autofs", "efivarfs", "rpc_pipefs", "nsfs",
    }
)  # fmt: skip
SPECIAL_ROOTS = (Path("/proc"), Path("/sys"), Path("/dev"))


def _mount_types(mounts: Path = Path("/proc/self/mounts")) -> dict[Path, str]:
    types: dict[Path, str] = {}
    try:
        lines = mounts.read_text().splitlines()
    except OSError:
        return types
    for line in lines:
        fields = line.split()
        if len(fields) >= 3:
            # Spaces and tabs in mount points are written as octal escapes.
            point = fields[1].encode().decode("unicode_escape")
            types[Path(point)] = fields[2]
    return types


def file_system_type(path: Path) -> str | None:
    """The type of the file system `path` lives on (the deepest mount above it)."""
    best: tuple[int, str] | None = None
    for point, fstype in _mount_types().items():
        if path == point or path.is_relative_to(point):
            depth = len(point.parts)
            if best is None or depth > best[0]:
                best = (depth, fstype)
    return best[1] if best else None


def _on_special_fs(path: Path) -> bool:
    if any(path == root or path.is_relative_to(root) for root in SPECIAL_ROOTS):
        return True
    return file_system_type(path) in SPECIAL_FS


def resolve_repo_path(repo_path: str, *, data_dir: Path, roots: Sequence[Path] = ()) -> Path:
    """The real path `repo_path` names, if a repository may be registered there."""
    if "\0" in repo_path:
        raise InvalidInput("repo_path must not contain a NUL character")
    given = Path(repo_path).expanduser()
    if not given.is_absolute():
        raise InvalidInput("repo_path must be an absolute path")
    special = InvalidInput(
        f"{given} is on a special file system (like /proc or /sys), not a disk;"
        " register a repository's own directory"
    )
    if _on_special_fs(Path(os.path.normpath(given))):
        raise special
    try:
        resolved = Path(os.path.realpath(given))
    except OSError as exc:
        raise InvalidInput(f"{given} cannot be read by MCC ({exc.strerror})") from None
    if _on_special_fs(resolved):
        raise special
    data = Path(os.path.realpath(data_dir))
    if resolved == data or resolved.is_relative_to(data):
        raise InvalidInput(
            f"{given} is inside MCC's data directory; register the original repository"
        )
    allowed = [Path(os.path.realpath(root.expanduser())) for root in roots]
    if allowed and not any(resolved == r or resolved.is_relative_to(r) for r in allowed):
        raise InvalidInput(
            f"{given} is outside the directories repositories may be registered from"
            f" ({', '.join(str(r) for r in allowed)}; see MCC_REPO_ROOTS)"
        )
    return resolved
