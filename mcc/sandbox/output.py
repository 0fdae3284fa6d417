"""Captured output with a byte cap that keeps both ends.

An agent needs the start of a compiler's output and the end of a test run's
(the summary), so past the cap the middle is dropped, not the tail.
"""

from __future__ import annotations

import asyncio


class CappedOutput:
    def __init__(self, limit: int) -> None:
        self.limit = max(limit, 2)
        self._head_room = self.limit // 2
        self._tail_room = self.limit - self._head_room
        self._head = bytearray()
        self._tail = bytearray()
        self.total = 0

    def feed(self, data: bytes) -> None:
        self.total += len(data)
        room = self._head_room - len(self._head)
        if room > 0:
            self._head += data[:room]
            data = data[room:]
        if data:
            self._tail += data
            if len(self._tail) > self._tail_room:
                del self._tail[: len(self._tail) - self._tail_room]

    @property
    def omitted(self) -> int:
        return self.total - len(self._head) - len(self._tail)

    @property
    def truncated(self) -> bool:
        return self.omitted > 0

    def text(self) -> str:
        head = self._head.decode("utf-8", errors="replace")
        tail = self._tail.decode("utf-8", errors="replace")
        if not self.truncated:
            return (self._head + self._tail).decode("utf-8", errors="replace")
        return (
            f"{head}\n[mcc: output truncated: {self.omitted} bytes omitted; showing the first "
            f"{len(self._head)} and last {len(self._tail)} of {self.total} bytes]\n{tail}"
        )

    async def drain(self, stream: asyncio.StreamReader) -> None:
        """Read `stream` to its end, keeping what fits (so the writer never blocks on a full pipe)."""
        while chunk := await stream.read(64 * 1024):
            self.feed(chunk)
