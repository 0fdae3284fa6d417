"""Errors of the command sandbox."""

from __future__ import annotations

from mcc.errors import ServiceUnavailable

INSTALL_HINT = (
    "install bubblewrap (Debian/Ubuntu: `apt-get install bubblewrap`, Fedora: "
    "`dnf install bubblewrap`), or set MCC_SANDBOX=off to run agent commands unconfined"
)


class SandboxUnavailable(ServiceUnavailable):
    """Commands cannot be confined here, so they are refused rather than run unconfined."""

    code = "sandbox_unavailable"
