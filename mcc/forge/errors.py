"""What can go wrong talking to a remote forge, in terms a run and a person can act on."""

from __future__ import annotations

from mcc.errors import MccError


class ForgeRateLimited(MccError):
    """The forge asked us to wait; `retry_after` seconds is when to try again."""

    code = "forge_rate_limited"
    status = 503

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ForgeAuthFailed(MccError):
    """The forge refused our credentials (revoked, expired or missing): a person must act."""

    code = "forge_auth_failed"
    status = 502


class ForgeRefused(MccError):
    """The forge refused a request for a reason retrying cannot change (e.g. head moved)."""

    code = "forge_refused"
    status = 409


class ForgeRepoNotFound(MccError):
    code = "forge_repo_not_found"
    status = 404


class ForgeNoAccess(MccError):
    code = "forge_no_access"
    status = 403


class ForgeAppNotInstalled(MccError):
    code = "forge_app_not_installed"
    status = 422


class ForgeNotConfigured(MccError):
    code = "forge_not_configured"
    status = 422
