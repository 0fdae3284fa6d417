"""Which requests count as HTTPS for the Secure cookie and HSTS (see api/request_scheme.py)."""

from __future__ import annotations

from starlette.requests import Request

from api.client_address import ClientAddress
from api.request_scheme import came_over_https, secure_cookie

PROXY = ClientAddress(["127.0.0.1"])


def _request(peer: str, headers: list[tuple[str, str]], scheme: str = "http") -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers]
    return Request({"type": "http", "scheme": scheme, "client": (peer, 1234), "headers": raw})


def test_a_trusted_proxy_that_says_https_makes_the_request_https():
    assert came_over_https(_request("127.0.0.1", [("X-Forwarded-Proto", "https")]), PROXY)
    assert came_over_https(_request("127.0.0.1", [("X-Forwarded-Proto", "HTTPS")]), PROXY)


def test_anyone_else_saying_https_proves_nothing():
    spoofed = [("X-Forwarded-Proto", "https")]
    assert not came_over_https(_request("192.0.2.5", spoofed), PROXY)
    assert not came_over_https(_request("127.0.0.1", spoofed), ClientAddress([]))
    assert not came_over_https(_request("127.0.0.1", []), PROXY)


def test_the_value_our_own_proxy_wrote_counts_not_what_came_before_it():
    # A client's own header reaches the proxy first; the proxy's value is the right-most.
    assert not came_over_https(_request("127.0.0.1", [("X-Forwarded-Proto", "https, http")]), PROXY)
    assert came_over_https(
        _request("127.0.0.1", [("X-Forwarded-Proto", "http"), ("X-Forwarded-Proto", "https")]),
        PROXY,
    )


def test_tls_to_mcc_itself_is_https_whoever_connects():
    assert came_over_https(_request("192.0.2.5", [], scheme="https"), ClientAddress([]))


def test_an_explicit_cookie_secure_setting_wins_over_the_request():
    plain = _request("192.0.2.5", [])
    via_tls = _request("127.0.0.1", [("X-Forwarded-Proto", "https")])
    assert secure_cookie(plain, True, PROXY)
    assert not secure_cookie(via_tls, False, PROXY)
    assert secure_cookie(via_tls, None, PROXY) and not secure_cookie(plain, None, PROXY)
