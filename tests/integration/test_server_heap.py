"""A started MCC keeps what it built at start out of the collector's full passes."""

from __future__ import annotations

import gc


async def test_a_started_server_has_frozen_its_start_up_objects(api):
    # `api` started an MccServer as `mcc up` does: the app, the models and the worker
    # were moved to the permanent generation, which full collections do not walk.
    # (Once per process: in this test session the first server start froze them.)
    assert gc.get_freeze_count() > 50_000
