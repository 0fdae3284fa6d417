"""Whether the API can listen where it is told to, asked before anything starts.

uvicorn finds out only when it binds, after `mcc up` has started Temporal and the
worker, and says `[Errno 98] address already in use` without naming the setting.
"""

from __future__ import annotations

import contextlib
import errno
import socket

from mcc.config import Settings
from mcc.errors import InvalidInput, ServiceUnavailable


def check_listen_address(settings: Settings) -> None:
    """Raise a sentence naming MCC_HOST or MCC_PORT when the API could not bind there."""
    host, port = settings.host, settings.port
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror:
        raise InvalidInput(f"MCC_HOST={host!r} is not an address of this machine") from None
    with contextlib.closing(socket.socket(family, kind, proto)) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServiceUnavailable(
                    f"port {port} on {host} is taken (another MCC or another server):"
                    " stop it, or set MCC_PORT to a free port"
                ) from None
            if exc.errno == errno.EADDRNOTAVAIL:
                raise InvalidInput(f"MCC_HOST={host!r} is not an address of this machine") from None
            raise ServiceUnavailable(f"cannot listen on {host}:{port}: {exc.strerror}") from None
