"""A started MCC keeps what it built at start out of the collector's full passes."""

from __future__ import annotations

import gc


async def test_a_started_server_has_frozen_its_start_up_objects(api):
    # `api` started an MccServer as `mcc up` does; the app, the models and the worker
    # are among the frozen objects, and a full collection no longer walks them.
    assert gc.get_freeze_count() > 50_000
    assert len(gc.get_objects(generation=2)) < gc.get_freeze_count()
