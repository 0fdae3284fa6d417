"""Depth-first walk of a directory by descriptors, never following a symlink."""

from __future__ import annotations

import os
from collections.abc import Generator
from dataclasses import dataclass

from mcc.workspace.paths import Parts
from mcc.workspace.results import EntryKind

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


@dataclass(frozen=True)
class Node:
    parts: Parts  # relative to the workspace root
    kind: EntryKind
    size: int | None
    dir_fd: int  # the open parent directory, valid until the walk moves on
    name: str


def _kind(entry: os.DirEntry[str]) -> EntryKind:
    if entry.is_symlink():
        return "symlink"
    if entry.is_dir(follow_symlinks=False):
        return "dir"
    if entry.is_file(follow_symlinks=False):
        return "file"
    return "other"


def walk(dir_fd: int, prefix: Parts, max_depth: int) -> Generator[Node, None, None]:
    """Entries under `dir_fd`, sorted by name, down to `max_depth` levels (1 = children).

    `.git` is listed but never entered; unreadable subdirectories are skipped.
    Close the iterator (or exhaust it) so the descriptors it opened are closed.
    """
    with os.scandir(dir_fd) as scan:
        entries = sorted(scan, key=lambda entry: entry.name)
    for entry in entries:
        try:
            kind = _kind(entry)
            size = entry.stat(follow_symlinks=False).st_size if kind == "file" else None
        except OSError:  # vanished while listing
            continue
        parts = (*prefix, entry.name)
        yield Node(parts, kind, size, dir_fd, entry.name)
        if kind != "dir" or max_depth <= 1 or entry.name.casefold() == ".git":
            continue
        try:
            child = os.open(entry.name, _DIR_FLAGS, dir_fd=dir_fd)
        except OSError:  # unreadable, or swapped for a symlink since scandir
            continue
        try:
            yield from walk(child, parts, max_depth - 1)
        finally:
            os.close(child)
