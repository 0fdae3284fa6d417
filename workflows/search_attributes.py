"""Search attributes MCC runs carry, so the Temporal UI can filter by them.

`mcc up` registers them on the dev server (`--search-attribute`); tests pass
the same list to `WorkflowEnvironment.start_local`; any other Temporal gets them when an
MCC process connects (`api.temporal_namespace`).
"""

from __future__ import annotations

from typing import Any

from temporalio.common import SearchAttributeKey

MCC_PROJECT = SearchAttributeKey.for_keyword("MccProject")
MCC_ISSUE = SearchAttributeKey.for_int("MccIssue")
MCC_PHASE = SearchAttributeKey.for_keyword("MccPhase")

ALL = (MCC_PROJECT, MCC_ISSUE, MCC_PHASE)


def type_name(key: SearchAttributeKey[Any]) -> str:
    """The type as the `temporal` CLI names it."""
    return key.indexed_value_type.name.title()  # KEYWORD -> Keyword, INT -> Int


def dev_server_flags() -> list[str]:
    """`temporal server start-dev` arguments registering every key."""
    flags: list[str] = []
    for key in ALL:
        flags += ["--search-attribute", f"{key.name}={type_name(key)}"]
    return flags
