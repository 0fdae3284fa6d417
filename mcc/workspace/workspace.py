"""An agent's file access, confined to its worktree.

The file tools of every agent go through one `Workspace`. Paths are resolved
by `paths.confine` (symlinks included) and opened by descriptors with
O_NOFOLLOW, so neither `..`, an absolute path, a symlink, nor a symlink swapped
in mid-operation reaches a file outside the root. Methods are synchronous;
callers on an event loop run them with `asyncio.to_thread`.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from pathlib import Path

from mcc.errors import InvalidInput
from mcc.workspace.errors import (
    BinaryFile,
    EditAmbiguous,
    EditNoMatch,
    FileTooLarge,
    InvalidPattern,
    NotAFileError,
    PathOutsideWorkspace,
)
from mcc.workspace.paths import Parts, confine, open_dir, open_regular, shown, translate
from mcc.workspace.results import (
    DirEntry,
    DirListing,
    EditResult,
    FileText,
    SearchResult,
    WriteResult,
)
from mcc.workspace.search import SearchLimits, is_binary, search_tree
from mcc.workspace.tree import walk

DEFAULT_READ_BYTES = 256 * 1024
DEFAULT_MAX_WRITE_BYTES = 8 * 1024 * 1024
MAX_PATTERN_CHARS = 1000
_READ_CHUNK = 64 * 1024


class Workspace:
    """File operations inside `root`; every path argument is relative to it."""

    def __init__(
        self,
        root: Path,
        *,
        max_write_bytes: int = DEFAULT_MAX_WRITE_BYTES,
        search_limits: SearchLimits | None = None,
    ) -> None:
        self.root = Path(root).resolve(strict=True)
        if not self.root.is_dir():
            raise InvalidInput("the workspace root is not a directory")
        self.max_write_bytes = max_write_bytes
        self.search_limits = search_limits or SearchLimits()

    def resolve(self, path: str, *, for_write: bool = False) -> Path:
        """The real path of `path` inside the root, or PathOutsideWorkspace."""
        return self.root.joinpath(*confine(self.root, path, for_write=for_write))

    def relative(self, path: str) -> str:
        """`path` as the agent should see it: relative to the root, POSIX style."""
        return shown(confine(self.root, path))

    # -- reading ---------------------------------------------------------------

    def list_dir(self, path: str = ".", *, depth: int = 1, max_entries: int = 500) -> DirListing:
        """Entries of a directory, `depth` levels down (1 = its children); `.git` is not entered."""
        if depth < 1 or max_entries < 1:
            raise InvalidInput("depth and max_entries must be at least 1")
        parts = confine(self.root, path)
        dir_fd = open_dir(self.root, parts)
        entries: list[DirEntry] = []
        truncated = False
        try:
            with contextlib.closing(walk(dir_fd, parts, depth)) as nodes:
                for node in nodes:
                    if len(entries) >= max_entries:
                        truncated = True
                        break
                    entries.append(DirEntry(shown(node.parts), node.kind, node.size))
        finally:
            os.close(dir_fd)
        return DirListing(shown(parts), entries, truncated)

    def read_file(
        self,
        path: str,
        *,
        max_bytes: int = DEFAULT_READ_BYTES,
        start_line: int = 1,
        end_line: int | None = None,
    ) -> FileText:
        """Lines `start_line`..`end_line` (1-based, inclusive) of a text file, at most `max_bytes`."""
        if start_line < 1 or (end_line is not None and end_line < start_line) or max_bytes < 1:
            raise InvalidInput("need 1 <= start_line <= end_line and max_bytes >= 1")
        parts = confine(self.root, path)
        fd, info = self._open(parts)
        with os.fdopen(fd, "rb") as file:
            if is_binary(file.read(_READ_CHUNK)):
                raise BinaryFile(f"'{shown(parts)}' is a binary file")
            file.seek(0)
            chunks: list[bytes] = []
            used = 0
            number = 1  # the line the next piece belongs to
            last = start_line - 1
            truncated = False
            at_eof = False
            ended_line = True
            while True:
                piece = file.readline(_READ_CHUNK)
                if not piece:
                    at_eof = True
                    break
                if end_line is not None and number > end_line:
                    break
                if number >= start_line:
                    if used + len(piece) > max_bytes:
                        chunks.append(piece[: max_bytes - used])
                        last = number
                        truncated = True
                        break
                    chunks.append(piece)
                    used += len(piece)
                    last = number
                ended_line = piece.endswith(b"\n")
                if ended_line:
                    number += 1
        total = (number - 1 if ended_line else number) if at_eof else None
        return FileText(
            path=shown(parts),
            content=b"".join(chunks).decode("utf-8", errors="replace"),
            start_line=start_line,
            end_line=last,
            total_lines=total,
            size=info.st_size,
            truncated=truncated,
        )

    def search(
        self,
        pattern: str,
        path: str = ".",
        *,
        glob: str | None = None,
        max_results: int = 100,
        ignore_case: bool = False,
    ) -> SearchResult:
        """Lines matching the regex `pattern` in text files under `path` (`.git` skipped)."""
        if len(pattern) > MAX_PATTERN_CHARS:
            raise InvalidPattern(f"the pattern is longer than {MAX_PATTERN_CHARS} characters")
        if max_results < 1:
            raise InvalidInput("max_results must be at least 1")
        try:
            regex = re.compile(pattern, re.IGNORECASE if ignore_case else 0)
        except re.error as exc:
            raise InvalidPattern(f"invalid regular expression: {exc}") from None
        parts = confine(self.root, path)
        return search_tree(
            self.root,
            parts,
            regex,
            glob=glob,
            max_results=max_results,
            limits=self.search_limits,
        )

    # -- writing ---------------------------------------------------------------

    def write_file(self, path: str, content: str) -> WriteResult:
        """Create or replace a text file (parents are created); never a directory or a symlink."""
        data = content.encode("utf-8")
        if len(data) > self.max_write_bytes:
            raise FileTooLarge(f"content is {len(data)} bytes; the limit is {self.max_write_bytes}")
        parts = confine(self.root, path, for_write=True)
        created = self._replace(parts, data)
        return WriteResult(shown(parts), len(data), created)

    def edit_file(self, path: str, old: str, new: str, count: int = 1) -> EditResult:
        """Replace `old` by `new`; `old` must occur exactly `count` times."""
        if not old:
            raise InvalidInput("the text to replace is empty")
        if count < 1:
            raise InvalidInput("count must be at least 1")
        parts = confine(self.root, path, for_write=True)
        name = shown(parts)
        fd, info = self._open(parts)
        with os.fdopen(fd, "rb") as file:
            if info.st_size > self.max_write_bytes:
                raise FileTooLarge(
                    f"'{name}' is {info.st_size} bytes; the limit is {self.max_write_bytes}"
                )
            data = file.read(self.max_write_bytes + 1)
        if is_binary(data):
            raise BinaryFile(f"'{name}' is a binary file")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise BinaryFile(f"'{name}' is not UTF-8 text; editing it would corrupt it") from None
        found = text.count(old)
        if found == 0:
            raise EditNoMatch(
                f"the text to replace was not found in '{name}'; it must match exactly, "
                "including whitespace and indentation"
            )
        if found != count:
            raise EditAmbiguous(
                f"the text to replace occurs {found} times in '{name}', expected {count}; "
                f"include more surrounding lines to make it unique, or pass count={found}"
            )
        updated = text.replace(old, new, count).encode("utf-8")
        if len(updated) > self.max_write_bytes:
            raise FileTooLarge(f"the edited '{name}' would exceed {self.max_write_bytes} bytes")
        self._replace(parts, updated)
        return EditResult(name, count, len(updated))

    # -- descriptors -----------------------------------------------------------

    def _open(self, parts: Parts) -> tuple[int, os.stat_result]:
        if not parts:
            raise NotAFileError("'.' is a directory")
        dir_fd = open_dir(self.root, parts[:-1])
        try:
            return open_regular(dir_fd, parts[-1], parts)
        finally:
            os.close(dir_fd)

    def _replace(self, parts: Parts, data: bytes) -> bool:
        """Atomically put `data` at `parts` (a temp file renamed over it); True if created.

        The rename replaces the directory entry, so it never writes through a
        symlink or a hard link that happens to sit at the destination.
        """
        if not parts:
            raise NotAFileError("'.' is a directory")
        name = parts[-1]
        try:
            dir_fd = open_dir(self.root, parts[:-1], create=True)
        except OSError as exc:
            raise translate(exc, parts) from None
        temp = f".mcc-write-{secrets.token_hex(6)}.tmp"
        try:
            try:
                current: os.stat_result | None = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            except FileNotFoundError:
                current = None
            if current is not None:
                if stat.S_ISDIR(current.st_mode):
                    raise NotAFileError(f"'{shown(parts)}' is a directory; it will not be replaced")
                if stat.S_ISLNK(current.st_mode):
                    raise PathOutsideWorkspace(
                        f"'{shown(parts)}' changed into a symbolic link while being written"
                    )
                if not stat.S_ISREG(current.st_mode):
                    raise NotAFileError(f"'{shown(parts)}' is not a regular file")
            mode = stat.S_IMODE(current.st_mode) if current is not None else 0o644
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
            fd = os.open(temp, flags, 0o600, dir_fd=dir_fd)
            try:
                with os.fdopen(fd, "wb") as file:
                    file.write(data)
                    os.fchmod(file.fileno(), mode)
                os.replace(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp, dir_fd=dir_fd)
                raise
        except OSError as exc:
            raise translate(exc, parts) from None
        finally:
            os.close(dir_fd)
        return current is None
