"""The Temporal SDK core's own log lines (its retry warnings while Temporal is away)
reach Python's logging, in MCC's format, instead of the core's console.

The core's console writer colours its lines with ANSI codes whether or not stderr is a
terminal, and temporalio offers no switch for it (only NO_COLOR in the environment,
which every child process would inherit), so a worker's log file filled with escape
codes. Forwarded, they are records like MCC's own: plain text, the same handlers.
"""

from __future__ import annotations

import functools
import logging

from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)

CORE_LOGGER = logging.getLogger("temporalio.core")


@functools.cache
def core_runtime() -> Runtime:
    """The one runtime every Temporal client of this process is built on (the SDK's
    default filter: the core's warnings and errors, other crates' errors)."""
    logging_config = LoggingConfig(
        filter=TelemetryFilter(core_level="WARN", other_level="ERROR"),
        forwarding=LogForwardingConfig(logger=CORE_LOGGER, append_target_to_name=False),
    )
    return Runtime(telemetry=TelemetryConfig(logging=logging_config))
