"""Search attributes MCC runs carry, so the Temporal UI can filter by them.

`mcc up` registers them on the dev server (`--search-attribute`); tests pass
the same list to `WorkflowEnvironment.start_local`. Any other Temporal (a dev server
started by hand, a cluster) gets them from `register_missing` when an MCC process
connects: without them Temporal refuses to start a run that carries them.
"""

from __future__ import annotations

from typing import Any

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.common import SearchAttributeKey

MCC_PROJECT = SearchAttributeKey.for_keyword("MccProject")
MCC_ISSUE = SearchAttributeKey.for_int("MccIssue")
MCC_PHASE = SearchAttributeKey.for_keyword("MccPhase")

ALL = (MCC_PROJECT, MCC_ISSUE, MCC_PHASE)


def _kind(key: SearchAttributeKey[Any]) -> str:
    return key.indexed_value_type.name.title()  # KEYWORD -> Keyword, INT -> Int


def dev_server_flags() -> list[str]:
    """`temporal server start-dev` arguments registering every key."""
    flags: list[str] = []
    for key in ALL:
        flags += ["--search-attribute", f"{key.name}={_kind(key)}"]
    return flags


def create_command(address: str, namespace: str) -> str:
    """The `temporal` CLI command an operator runs to register every key by hand."""
    names = " ".join(f"--name {key.name} --type {_kind(key)}" for key in ALL)
    return (
        f"temporal operator search-attribute create --address {address}"
        f" --namespace {namespace} {names}"
    )


async def register_missing(client: Client) -> str | None:
    """Register the keys the namespace lacks. None when all are there (or Temporal did
    not answer the question: health reports that apart); else a sentence naming them
    and the command that registers them (a cluster may keep that to its operators)."""
    namespace = client.namespace
    try:
        listed = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=namespace)
        )
    except Exception:
        return None
    missing = [key for key in ALL if key.name not in listed.custom_attributes]
    if not missing:
        return None
    try:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(
                namespace=namespace,
                search_attributes={
                    key.name: IndexedValueType.ValueType(key.indexed_value_type.value)
                    for key in missing
                },
            )
        )
    except Exception as exc:
        address = client.service_client.config.target_host
        names = ", ".join(key.name for key in missing)
        return (
            f"Temporal's namespace {namespace!r} lacks MCC's search attributes ({names}) and"
            f" refused to register them ({_first_line(exc)}): no issue run can start until"
            f" they exist. Register them with `{create_command(address, namespace)}`."
        )
    return None


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__
