"""docker-compose.yml, checked without a Docker engine.

The file is validated against the Compose Specification's JSON schema
(tests/support/compose-spec.json, vendored from compose-spec/compose-spec
schema/compose-spec.json at 170098ba, Apache-2.0), after the same `${VAR}`
interpolation Compose does, with the values of .env.example.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from mcc.config import Settings
from mcc.devserver import TUNING
from mcc.llm.endpoint import KEY_ENV_VAR, OPENROUTER_KEY_ENV_VAR, api_key_from_env
from workflows.search_attributes import ALL as SEARCH_ATTRIBUTES

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
SCHEMA = ROOT / "tests" / "support" / "compose-spec.json"
DEPLOY = ROOT / "deploy"

MCC_SERVICES = ("migrate", "api", "worker")
ONE_SHOT_JOBS = ("migrate", "temporal-schema", "temporal-setup")
# Read outside Settings: the LLM key (mcc/llm/endpoint.py) and the trusted reverse
# proxies of the rate limits (issue 16's setting).
OTHER_MCC_VARIABLES = {KEY_ENV_VAR, OPENROUTER_KEY_ENV_VAR}

_VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def dotenv(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def operator_env() -> dict[str, str]:
    """.env as an operator fills it in from .env.example."""
    env = dotenv(ENV_EXAMPLE)
    env.update(POSTGRES_PASSWORD="s3cretpw", MCC_SECRET_KEY="ab" * 32, OPENROUTER_API_KEY="sk-or-1")
    return env


def interpolate(node: Any, env: dict[str, str]) -> Any:
    """Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}` substitution."""
    if isinstance(node, dict):
        return {key: interpolate(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [interpolate(value, env) for value in node]
    if not isinstance(node, str):
        return node

    def substitute(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        value = env.get(name)
        if op in (":-", "-") and not value:
            return arg
        if op in (":?", "?") and not value:
            raise AssertionError(f"compose would refuse to start: {arg}")
        return value or ""

    return _VARIABLE.sub(substitute, node)


def compose(env: dict[str, str] | None = None) -> dict[str, Any]:
    raw = yaml.safe_load(COMPOSE.read_text())
    resolved: dict[str, Any] = interpolate(raw, operator_env() if env is None else env)
    return resolved


def container_env(service: dict[str, Any], env_file: dict[str, str]) -> dict[str, str]:
    """What a container's process sees: its env_file, overridden by `environment`."""
    files = service.get("env_file", [])
    assert files == [".env"], "MCC's containers must read the operator's .env"
    seen = dict(env_file)
    seen.update({key: str(value) for key, value in service.get("environment", {}).items()})
    return seen


def test_compose_file_is_valid_under_the_compose_specification():
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft7Validator(schema)

    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(compose())]

    assert errors == []
    # The schema is strict enough to catch a wrong dependency condition.
    broken = copy.deepcopy(compose())
    broken["services"]["api"]["depends_on"]["migrate"]["condition"] = "service_finished"
    assert not validator.is_valid(broken)


def test_compose_refuses_to_start_without_the_secrets_it_needs():
    env = dotenv(ENV_EXAMPLE)  # as copied, before the operator fills it in
    filled = operator_env()
    for secret in ("POSTGRES_PASSWORD", "MCC_SECRET_KEY"):
        assert env[secret] == ""
        with pytest.raises(AssertionError, match=secret):
            compose({**filled, secret: env[secret]})


def test_services_start_when_their_dependencies_are_ready_and_restart_on_failure():
    services = compose()["services"]
    for name, service in services.items():
        assert service.get("restart") in {"unless-stopped", "on-failure"}, name
        for dependency, rule in service.get("depends_on", {}).items():
            condition = rule["condition"]
            assert condition in {"service_healthy", "service_completed_successfully"}, (
                f"{name} starts when {dependency} has merely started"
            )
            if condition == "service_healthy":
                assert "healthcheck" in services[dependency], dependency
            else:
                assert dependency in ONE_SHOT_JOBS
    for job in ONE_SHOT_JOBS:
        assert services[job]["restart"] == "on-failure", job
    for needed in ("migrate", "temporal-setup", "redis"):
        assert needed in services["api"]["depends_on"]
        assert needed in services["worker"]["depends_on"]


def test_temporal_is_the_plain_server_set_up_by_admin_tools_jobs():
    services = compose()["services"]
    images = {name: service.get("image", "") for name, service in services.items()}

    assert not any("auto-setup" in image for image in images.values())
    assert images["temporal"].startswith("temporalio/server:")
    assert images["temporal-schema"].startswith("temporalio/admin-tools:")
    assert images["temporal-setup"].startswith("temporalio/admin-tools:")
    assert services["temporal"]["depends_on"]["temporal-schema"]["condition"] == (
        "service_completed_successfully"
    )
    assert "update-schema" in (DEPLOY / "temporal" / "schema.sh").read_text()


def test_setup_job_registers_every_search_attribute_mcc_runs_carry():
    script = (DEPLOY / "temporal" / "setup.sh").read_text()
    registered = set(re.findall(r"--name (\w+) --type (\w+)", script))

    expected = {(key.name, key.indexed_value_type.name.title()) for key in SEARCH_ATTRIBUTES}
    assert registered == expected


def test_temporal_gets_the_dynamic_config_the_dev_server_runs_with():
    temporal = compose()["services"]["temporal"]
    mounted = temporal["environment"]["DYNAMIC_CONFIG_FILE_PATH"]
    assert mounted == "/mcc-temporal/dynamicconfig.yaml"
    assert "./deploy/temporal:/mcc-temporal:ro" in temporal["volumes"]

    config = yaml.safe_load((DEPLOY / "temporal" / "dynamicconfig.yaml").read_text())

    for key, value in TUNING.items():
        assert config[key] == [{"value": value, "constraints": {}}], key


def _local_only(name: str, default: object) -> bool:
    """A default that means "this machine" or "generate it here": wrong in a container."""
    if default is None or (name.endswith("_embedded") and default is True):
        return True
    if isinstance(default, Path):
        return not default.is_absolute()
    return isinstance(default, str) and ("127.0.0.1" in default or "://localhost" in default)


# Integrations a deployment may leave out: they reach the containers from `.env`
# (env_file), and `.env.example` names each of them.
OPTIONAL = {
    "orchestrator_model",  # unset: the agents' default model
    "github_app_id",
    "github_private_key_file",
    "github_private_key",
    "github_webhook_secret",
    "telegram_bot_token",
    "telegram_webhook_url",  # unset: the worker polls the bot
    "temporal_metrics_address",  # unset: no Prometheus endpoint
    "log_format",  # text
    "log_level",  # INFO
}


def test_optional_integrations_are_named_in_the_env_example():
    example = ENV_EXAMPLE.read_text()
    for setting in OPTIONAL:
        assert f"MCC_{setting.upper()}=" in example, setting


def test_api_and_worker_get_every_setting_the_scaled_mode_needs():
    definition = compose()
    services = definition["services"]
    env_file = operator_env()
    local_only = {
        name
        for name, field in Settings.model_fields.items()
        if field.default_factory is None and _local_only(name, field.default)
    } - OPTIONAL
    assert {"database_url", "redis_url", "secret_key", "temporal_address", "data_dir"} <= local_only

    seen: dict[str, Settings] = {}
    for name in MCC_SERVICES:
        env = container_env(services[name], env_file)
        for setting in local_only:
            assert f"MCC_{setting.upper()}" in services[name]["environment"], (name, setting)
        settings = Settings.model_validate(
            {k[4:].lower(): v for k, v in env.items() if k.startswith("MCC_")}
        )
        assert settings.resolved_database_url.startswith("postgresql+asyncpg://mcc:s3cretpw@")
        assert settings.resolved_database_url.split("@")[1].startswith("postgres:5432/")
        assert settings.temporal_address == "temporal:7233"
        assert settings.redis_url == "redis://redis:6379/0"
        assert not settings.temporal_embedded
        assert settings.cookie_secure is True
        assert f"mccdata:{settings.data_dir}" in services[name]["volumes"]
        assert api_key_from_env(settings.llm_base_url, env) == "sk-or-1", name
        seen[name] = settings
    assert {"postgres", "temporal", "redis"} <= services.keys()
    # One master key for all: a token signed by one API process verifies on another,
    # a secret stored by the API decrypts in a worker.
    assert len({s.secret_key.get_secret_value() for s in seen.values() if s.secret_key}) == 1
    assert seen["api"].host == "0.0.0.0"
    assert "volumes" in definition and "mccdata" in definition["volumes"]


def test_every_mcc_variable_the_deployment_names_is_one_mcc_reads():
    known = {f"MCC_{name.upper()}" for name in Settings.model_fields} | OTHER_MCC_VARIABLES
    named = set(re.findall(r"\b(MCC_[A-Z0-9_]+)", COMPOSE.read_text()))
    named |= {name for name in dotenv(ENV_EXAMPLE) if name.startswith("MCC_")}
    named -= {"MCC_DOMAIN", "MCC_WORKERS"}  # Compose's own: Caddy's site and the scale

    assert named - known == set()
    assert {KEY_ENV_VAR, OPENROUTER_KEY_ENV_VAR} <= dotenv(ENV_EXAMPLE).keys()


def test_caddy_terminates_tls_for_the_api_and_is_the_only_trusted_proxy():
    services = compose()["services"]
    caddy = services["caddy"]
    caddyfile = (DEPLOY / "Caddyfile").read_text()

    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in caddy["volumes"]
    assert "443:443" in caddy["ports"]
    assert "name api" in caddyfile and "port 8000" in caddyfile
    assert services["api"]["environment"]["MCC_PORT"] == "8000"
    # socket.io's polling transport sticks to one API process until it upgrades.
    assert "lb_policy cookie" in caddyfile
    address = caddy["networks"]["mcc"]["ipv4_address"]
    assert json.loads(services["api"]["environment"]["MCC_TRUSTED_PROXIES"]) == [address]
    # Nothing but Caddy (and the loopback-only Temporal UI) is published.
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"caddy", "temporal-ui"}
    assert all(p.startswith("127.0.0.1:") for p in services["temporal-ui"]["ports"])


def test_worker_may_build_the_sandbox_without_running_as_root():
    worker = compose()["services"]["worker"]
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert "bubblewrap" in dockerfile
    assert re.search(r"^USER mcc$", dockerfile, re.MULTILINE)
    assert {"seccomp=unconfined", "apparmor=unconfined", "systempaths=unconfined"} <= set(
        worker["security_opt"]
    )
    assert "cap_add" not in worker and not worker.get("privileged")
