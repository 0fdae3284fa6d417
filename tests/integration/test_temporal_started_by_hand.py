"""A Temporal that `mcc up` did not start (`temporal server start-dev` typed by an
operator, a cluster) has none of MCC's search attributes: MCC registers them when it
connects, so issue runs start there as on the embedded one."""

from __future__ import annotations

from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.testing import WorkflowEnvironment

from api.server import MccServer
from mcc.devserver import temporal_binary
from tests.conftest import login_new_user
from tests.support.http import local_client
from tests.support.repos import make_repo
from tests.support.waiting import wait_for_stored_phase
from workflows.search_attributes import ALL


async def test_runs_start_on_a_temporal_without_mccs_search_attributes(settings, company, tmp_path):
    bare = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(temporal_binary()), dev_server_log_level="error"
    )
    operator = bare.client.operator_service
    namespace = bare.client.namespace
    before = await operator.list_search_attributes(ListSearchAttributesRequest(namespace=namespace))
    assert not {key.name for key in ALL} & set(before.custom_attributes)
    address = bare.client.service_client.config.target_host
    server = MccServer(settings.model_copy(update={"temporal_address": address}))
    try:
        await server.start()
        async with local_client(base_url=f"http://127.0.0.1:{server.port}") as api:
            await login_new_user(api, server, "ops@example.com")
            repo = make_repo(tmp_path / "src")
            project = (
                await api.post("/api/projects", json={"name": "Hand", "repo_path": str(repo)})
            ).json()
            filed = await api.post(
                f"/api/projects/{project['id']}/issues", json={"title": "Go", "body": "x"}
            )
            assert filed.status_code == 201, filed.text
            assert (filed.json()["run_started"], filed.json()["notice"]) == (True, None)
            await wait_for_stored_phase(server.runtime.db, project["id"], 1, "awaiting_approval")
            health = (await api.get("/api/health")).json()
            assert health["problems"] == []
        after = await operator.list_search_attributes(
            ListSearchAttributesRequest(namespace=namespace)
        )
        assert {key.name for key in ALL} <= set(after.custom_attributes)
    finally:
        await server.stop()
        await bare.shutdown()
