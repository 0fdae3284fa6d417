"""MCC's search attributes on a Temporal that `mcc up` did not start (`temporal server
start-dev` typed by an operator, a cluster): registered when an MCC process connects, as
without them Temporal refuses to start a run that carries them."""

from __future__ import annotations

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client

from mcc.errors import first_line
from workflows.search_attributes import ALL, type_name


def create_command(address: str, namespace: str) -> str:
    """The `temporal` CLI command an operator runs to register every key by hand."""
    names = " ".join(f"--name {key.name} --type {type_name(key)}" for key in ALL)
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
            f" refused to register them ({first_line(exc)}): no issue run can start until"
            f" they exist. Register them with `{create_command(address, namespace)}`."
        )
    return None
