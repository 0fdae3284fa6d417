"""Whose address a request is counted under (see api/client_address.py)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from starlette.requests import Request

from api.client_address import ClientAddress
from mcc.config import Settings


def _request(peer: str, headers: list[tuple[str, str]]) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers]
    return Request({"type": "http", "client": (peer, 1234), "headers": raw})


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_headers_say():
    resolve = ClientAddress([])
    request = _request("192.0.2.5", [("X-Forwarded-For", "203.0.113.1"), ("X-Real-IP", "1.1.1.1")])
    assert resolve.of(request) == "192.0.2.5"


def test_an_untrusted_peer_is_the_client_even_when_proxies_are_configured():
    resolve = ClientAddress(["10.0.0.0/8"])
    assert resolve.of(_request("192.0.2.5", [("X-Forwarded-For", "203.0.113.1")])) == "192.0.2.5"


def test_from_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client():
    resolve = ClientAddress(["10.0.0.0/8", "fd00::/8"])
    headers = [("X-Forwarded-For", "1.1.1.1, 203.0.113.1"), ("X-Forwarded-For", "10.0.0.2")]
    assert resolve.of(_request("10.0.0.1", headers)) == "203.0.113.1"
    assert resolve.of(_request("fd00::1", [("X-Forwarded-For", "2001:db8::5")])) == "2001:db8::5"
    # A trusted proxy that forwarded nothing is itself the client.
    assert resolve.of(_request("10.0.0.1", [])) == "10.0.0.1"


def test_trusted_proxies_come_from_the_environment_as_a_comma_separated_list(monkeypatch):
    monkeypatch.setenv("MCC_TRUSTED_PROXIES", "10.0.0.1, 172.16.0.0/12")
    assert Settings().trusted_proxies == ["10.0.0.1", "172.16.0.0/12"]
    monkeypatch.setenv("MCC_TRUSTED_PROXIES", "not-an-address")
    with pytest.raises(ValidationError, match="not an IP address"):
        Settings()
