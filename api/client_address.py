"""The address a request comes from, as every limit counts it.

The connection's peer, unless that peer is a configured trusted proxy
(`MCC_TRUSTED_PROXIES`): then the right-most `X-Forwarded-For` hop that is not
itself a trusted proxy, i.e. the address the outermost trusted proxy saw. Hops
to its left were written by the client and prove nothing. `X-Real-IP` and
`Forwarded` are never read, so a client cannot pick its own address with them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.requests import HTTPConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """Addresses and CIDR ranges (`10.0.0.5`, `10.0.0.0/8`, `::1`); ValueError if malformed."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values)


class ClientAddress:
    def __init__(self, trusted_proxies: Iterable[str]) -> None:
        self.trusted = parse_networks(trusted_proxies)

    def is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    def of(self, connection: HTTPConnection) -> str:
        peer = connection.client.host if connection.client else "unknown"
        if not self.trusted or not self.is_trusted(peer):
            return peer
        hops = [
            hop.strip()
            for header in connection.headers.getlist("x-forwarded-for")
            for hop in header.split(",")
            if hop.strip()
        ]
        for hop in reversed(hops):
            if not self.is_trusted(hop):
                return hop
        # Every hop is a proxy of ours: the first one is where the request entered.
        return hops[0] if hops else peer
