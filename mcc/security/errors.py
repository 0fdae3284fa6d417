"""Authentication errors: one vague message for bad credentials, on purpose."""

from __future__ import annotations

from mcc.errors import MccError


class AuthError(MccError):
    code = "unauthorized"
    status = 401


class InvalidCredentials(AuthError):
    code = "invalid_credentials"

    def __init__(self) -> None:
        super().__init__("wrong email or password")


class WrongPassword(InvalidCredentials):
    """The signed-in person's own password, asked again before a change to the account:
    the email is known, so the sentence can say which of the two was wrong."""

    def __init__(self) -> None:
        AuthError.__init__(self, "the password is wrong")


class TotpRequired(AuthError):
    code = "totp_required"

    def __init__(self) -> None:
        super().__init__("enter the code from your authenticator app (or a recovery code)")


class InvalidTotp(AuthError):
    code = "invalid_totp"

    def __init__(self) -> None:
        super().__init__("the authentication code is wrong or was already used")


class TokenInvalid(AuthError):
    code = "token_invalid"


class RateLimited(MccError):
    code = "rate_limited"
    status = 429

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = max(1, retry_after_s)


class CrossSiteRequest(MccError):
    code = "cross_site_request"
    status = 403

    def __init__(self) -> None:
        super().__init__("this request came from another site and was refused")


class SetupDone(MccError):
    code = "setup_done"
    status = 409

    def __init__(self) -> None:
        super().__init__("MCC already has a user; log in instead")
