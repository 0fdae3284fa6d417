"""The Temporal SDK core's own log lines (its retry warnings while Temporal is away)
reach Python's logging, in MCC's format, instead of the core's console; and its metrics
reach Prometheus when an address is set.

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
    PrometheusConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)

from mcc.errors import InvalidInput

CORE_LOGGER = logging.getLogger("temporalio.core")


@functools.cache
def core_runtime(metrics_address: str | None = None) -> Runtime:
    """The one runtime every Temporal client of this process is built on (the SDK's
    default filter: the core's warnings and errors, other crates' errors), serving the
    SDK's Prometheus metrics at `metrics_address` when one is given
    (MCC_TEMPORAL_METRICS_ADDRESS): schedule-to-start latency is what says a deployment
    needs more workers."""
    logging_config = LoggingConfig(
        filter=TelemetryFilter(core_level="WARN", other_level="ERROR"),
        forwarding=LogForwardingConfig(logger=CORE_LOGGER, append_target_to_name=False),
    )
    metrics = PrometheusConfig(bind_address=metrics_address) if metrics_address else None
    try:
        return Runtime(telemetry=TelemetryConfig(logging=logging_config, metrics=metrics))
    except ValueError as exc:  # the exporter could not bind its address
        raise InvalidInput(f"MCC_TEMPORAL_METRICS_ADDRESS={metrics_address}: {exc}") from None
