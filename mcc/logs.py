"""The process's log: text for a person at a terminal, or one JSON object per line for a
log collector (Loki, Elasticsearch, CloudWatch), which would otherwise cut a traceback
into as many entries as it has lines and guess the level from free text."""

from __future__ import annotations

import logging
import sys

import click
from pythonjsonlogger.json import JsonFormatter

from mcc.config import Settings

TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# The collector's names for the standard fields; a record's extras (the Temporal SDK's
# activity and workflow details) become fields of their own.
JSON_FIELDS = {"asctime": "time", "levelname": "level", "name": "logger"}

log = logging.getLogger("mcc")


def configure_logging(settings: Settings | None = None) -> None:
    level = settings.log_level if settings else "INFO"
    handler = logging.StreamHandler(sys.stderr)
    if settings is not None and settings.log_format == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s", rename_fields=JSON_FIELDS
            )
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # The HTTP clients log every request at INFO: a line per LLM step and Telegram poll
    # drowned what an operator reads the log for. Their warnings still show, and all of it
    # when the operator asks for DEBUG.
    for client in ("httpx", "httpx2"):
        logging.getLogger(client).setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)


def announce(settings: Settings, line: str) -> None:
    """A start-up summary line: `mcc: …` on the terminal, a record where the log is JSON
    (so that the collector's first entries of a process are not the only unparsed ones)."""
    if settings.log_format == "json":
        log.info(line)
    else:
        click.echo(f"mcc: {line}")
