"""The webhook signature check, against GitHub's own documented example values."""

from __future__ import annotations

import pytest

from mcc.forge.github.webhooks import BadSignature, check_signature, signature_of

# docs.github.com, "Validating webhook deliveries" -> "Testing the webhook payload validation"
SECRET = "It's a Secret to Everybody"
PAYLOAD = b"Hello, World!"
SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"


def test_githubs_documented_example_signature_is_accepted() -> None:
    assert signature_of(SECRET, PAYLOAD) == SIGNATURE
    check_signature(SECRET, PAYLOAD, SIGNATURE)


@pytest.mark.parametrize(
    ("secret", "body", "header"),
    [
        (SECRET, PAYLOAD, None),  # unsigned
        (SECRET, PAYLOAD, ""),
        (SECRET, b"Hello, World?", SIGNATURE),  # body changed
        ("another secret", PAYLOAD, SIGNATURE),
        (SECRET, PAYLOAD, SIGNATURE.replace("sha256=", "sha1=")),
        (SECRET, PAYLOAD, SIGNATURE.upper()),
        (None, PAYLOAD, SIGNATURE),  # MCC has no secret: nothing is trusted
    ],
)
def test_a_missing_or_wrong_signature_is_refused(
    secret: str | None, body: bytes, header: str | None
) -> None:
    with pytest.raises(BadSignature):
        check_signature(secret, body, header)
