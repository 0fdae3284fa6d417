"""A session that closes in place, for the inline SQLite engine.

SQLAlchemy's `AsyncSession.__aexit__` runs `close()` in a task of its own and
shields it, so that a cancellation cannot abandon the close half-way (a
connection left checked out, or returned to a disposed pool). That costs three
turns of the event loop per session, more than the session's statements
themselves on a busy loop (bench/README.md).

On the inline engine (`inline_sqlite`) closing never suspends: the rollback and
the pool's check-in run to their end on the loop's thread, so no cancellation
can arrive in the middle and there is nothing to shield. PostgreSQL keeps
SQLAlchemy's own `AsyncSession`, whose close awaits the network.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


class InlineSession(AsyncSession):
    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        await self.close()
