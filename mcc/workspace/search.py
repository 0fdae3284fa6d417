"""Regex search over the text files of a workspace, bounded in files, bytes and matches."""

from __future__ import annotations

import contextlib
import fnmatch
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from mcc.errors import MccError
from mcc.workspace.paths import Parts, open_dir, open_regular, shown, translate
from mcc.workspace.results import SearchMatch, SearchResult
from mcc.workspace.tree import walk

BINARY_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class SearchLimits:
    max_file_bytes: int = 2 * 1024 * 1024  # larger files are skipped (logs, data)
    max_files: int = 20_000
    max_depth: int = 64
    max_line_chars: int = 400  # a matching line is shown cut to this length


def glob_matches(glob: str | None, parts: Parts) -> bool:
    """`*.py` matches the file name at any depth; a glob with `/` matches the whole path."""
    if glob is None:
        return True
    if "/" in glob:
        return fnmatch.fnmatchcase(shown(parts), glob.removeprefix("./"))
    return fnmatch.fnmatchcase(parts[-1], glob)


def is_binary(head: bytes) -> bool:
    return b"\0" in head[:BINARY_SNIFF_BYTES]


def _search_file(
    dir_fd: int, name: str, parts: Parts, regex: re.Pattern[str], room: int, limits: SearchLimits
) -> list[SearchMatch] | None:
    """Matches in one file (at most `room`), or None when the file is skipped."""
    try:
        fd, info = open_regular(dir_fd, name, parts)
    except MccError:
        return None
    with os.fdopen(fd, "rb") as file:
        if info.st_size > limits.max_file_bytes:
            return None
        data = file.read(limits.max_file_bytes + 1)
    if is_binary(data):
        return None
    found: list[SearchMatch] = []
    for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1):
        if regex.search(line):
            found.append(SearchMatch(shown(parts), number, line[: limits.max_line_chars]))
            if len(found) >= room:
                break
    return found


def search_tree(
    root: Path,
    parts: Parts,
    regex: re.Pattern[str],
    *,
    glob: str | None,
    max_results: int,
    limits: SearchLimits,
) -> SearchResult:
    """Search the file or directory `root/parts`; `.git`, symlinks and binary files are skipped."""
    matches: list[SearchMatch] = []
    files = 0
    if parts:
        parent_fd = open_dir(root, parts[:-1])
        try:
            try:
                info = os.stat(parts[-1], dir_fd=parent_fd, follow_symlinks=False)
            except OSError as exc:
                raise translate(exc, parts) from None
            if stat.S_ISREG(info.st_mode):
                found = _search_file(parent_fd, parts[-1], parts, regex, max_results, limits)
                hits = found or []
                return SearchResult(hits, files_searched=1, truncated=len(hits) >= max_results)
        finally:
            os.close(parent_fd)
    dir_fd = open_dir(root, parts)
    truncated = False
    try:
        with contextlib.closing(walk(dir_fd, parts, limits.max_depth)) as nodes:
            for node in nodes:
                if node.kind != "file" or not glob_matches(glob, node.parts):
                    continue
                if files >= limits.max_files or len(matches) >= max_results:
                    truncated = True
                    break
                files += 1
                room = max_results - len(matches)
                found = _search_file(node.dir_fd, node.name, node.parts, regex, room, limits)
                matches.extend(found or [])
    finally:
        os.close(dir_fd)
    truncated = truncated or len(matches) >= max_results
    return SearchResult(matches, files_searched=files, truncated=truncated)
