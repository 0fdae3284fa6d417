"""What the file tools return; every path is relative to the workspace root."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EntryKind = Literal["file", "dir", "symlink", "other"]


@dataclass(frozen=True)
class DirEntry:
    path: str
    kind: EntryKind
    size: int | None  # bytes, for regular files only


@dataclass(frozen=True)
class DirListing:
    path: str
    entries: list[DirEntry]
    truncated: bool  # more entries exist than were listed


@dataclass(frozen=True)
class FileText:
    path: str
    content: str
    start_line: int  # 1-based, first line in `content`
    end_line: int  # last line in `content` (start_line - 1 when empty)
    total_lines: int | None  # known when the file was read to its end
    size: int  # bytes on disk
    truncated: bool  # stopped at max_bytes before the requested end


@dataclass(frozen=True)
class WriteResult:
    path: str
    size: int
    created: bool


@dataclass(frozen=True)
class EditResult:
    path: str
    replacements: int
    size: int


@dataclass(frozen=True)
class SearchMatch:
    path: str
    line_number: int
    line: str


@dataclass(frozen=True)
class SearchResult:
    matches: list[SearchMatch]
    files_searched: int
    truncated: bool  # stopped at max_results or the scan limits
