"""Confinement of agent paths to one worktree.

Two layers. `confine` resolves the path the agent gave fully (every symlink,
dangling ones to their target) and requires the result to lie inside the
resolved root. The file operations then open that already-resolved path one
component at a time from a descriptor of the root, each with O_NOFOLLOW, so a
symlink swapped in between the check and the use (TOCTOU) makes the open fail
instead of leading outside.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from mcc.errors import InvalidInput, MccError
from mcc.workspace.errors import (
    FileNotFoundInWorkspace,
    NotADirectoryInWorkspace,
    NotAFileError,
    PathOutsideWorkspace,
    WorkspaceAccessDenied,
    WorkspaceIOError,
)

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC

Parts = tuple[str, ...]


def shown(parts: Parts) -> str:
    """How a path is named to the agent: relative to the workspace, POSIX style."""
    return "/".join(parts) or "."


def is_git_internal(parts: Parts) -> bool:
    # `.git` is a directory in a clone and a file (gitdir pointer) in a linked worktree;
    # writing either could plant hooks or config that host-side git would obey.
    return any(part.casefold() == ".git" for part in parts)


def confine(root: Path, path: str, *, for_write: bool = False) -> Parts:
    """The components of `path` relative to `root`, after resolving every symlink.

    `root` must already be resolved. Raises PathOutsideWorkspace when the
    resolved path is not inside `root`, or (for writes) lies in `.git`.
    """
    if "\0" in path:
        raise InvalidInput("the path contains a NUL byte")
    candidate = Path(path) if os.path.isabs(path) else root / path
    try:
        real = Path(os.path.realpath(candidate, strict=True))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InvalidInput(f"'{path}' runs into a loop of symbolic links") from None
        real = Path(os.path.realpath(candidate))  # not there yet (a new file), or dangling
    if real != root and not real.is_relative_to(root):
        raise PathOutsideWorkspace(_outside_message(root, path))
    parts = real.relative_to(root).parts
    if for_write and is_git_internal(parts):
        raise PathOutsideWorkspace(
            f"'{shown(parts)}' is inside .git, which file tools may not write; use the git tools"
        )
    return parts


def _outside_message(root: Path, path: str) -> str:
    # Say whether a symlink or the path itself leads out, without naming where to.
    lexical = Path(os.path.normpath(path if os.path.isabs(path) else root / path))
    if lexical == root or lexical.is_relative_to(root):
        return f"'{path}' leads outside the workspace through a symbolic link"
    return f"'{path}' is outside the workspace; use a path relative to the workspace root"


def open_dir(root: Path, parts: Parts, *, create: bool = False) -> int:
    """A descriptor of the directory `root/parts`, opened without following any symlink.

    With `create`, missing directories are made on the way.
    """
    fd = os.open(root, _DIR_FLAGS)
    try:
        for index, part in enumerate(parts):
            if create:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, 0o755, dir_fd=fd)
            try:
                child = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except OSError as exc:
                # O_NOFOLLOW|O_DIRECTORY on a symlink says ENOTDIR; report it as the link it is.
                code = errno.ELOOP if _is_symlink(part, fd) else exc.errno
                raise translate(OSError(code, exc.strerror), parts[: index + 1]) from None
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


def _is_symlink(name: str, dir_fd: int) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def translate(exc: OSError, parts: Parts) -> MccError:
    """The typed error for an OSError met while touching `parts`; no host path in it."""
    name = shown(parts)
    code = exc.errno
    if code == errno.ENOENT:
        return FileNotFoundInWorkspace(f"'{name}' does not exist")
    if code == errno.ENOTDIR:
        return NotADirectoryInWorkspace(f"'{name}': a component of the path is not a directory")
    if code == errno.EISDIR:
        return NotAFileError(f"'{name}' is a directory")
    if code == errno.ELOOP:
        # Only possible when a symlink appeared after `confine` resolved the path.
        return PathOutsideWorkspace(f"'{name}' changed into a symbolic link while being opened")
    if code in (errno.EACCES, errno.EPERM):
        return WorkspaceAccessDenied(f"'{name}': permission denied")
    if code == errno.ENAMETOOLONG:
        return InvalidInput(f"'{name[:200]}': file name too long")
    return WorkspaceIOError(f"'{name}': {os.strerror(code) if code else 'I/O error'}")


def open_regular(dir_fd: int, name: str, parts: Parts) -> tuple[int, os.stat_result]:
    """Open the regular file `name` in `dir_fd` for reading, refusing symlinks and FIFOs.

    O_NONBLOCK keeps a FIFO from blocking the open; it is refused right after.
    """
    try:
        fd = os.open(
            name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd
        )
    except OSError as exc:
        raise translate(exc, parts) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        what = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise NotAFileError(f"'{shown(parts)}' is {what}")
    return fd, info
