"""Keep what a long-running MCC process builds at start out of the collector's way."""

from __future__ import annotations

import gc


def freeze_startup_heap() -> None:
    """Move every object alive now into the collector's permanent generation.

    Modules, the app, SQLAlchemy's mappers and Temporal's worker live as long as the
    process, yet every full collection walked them all, and every step in flight
    stalled meanwhile (bench/README.md). Start-up
    garbage is collected first so that none of it is kept for good. Once per process:
    a later start (tests start many servers) finds the heap frozen already.
    """
    if gc.get_freeze_count():
        return
    gc.collect()
    gc.freeze()
