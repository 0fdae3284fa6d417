"""The hidden marker that lets a retried call find the GitHub issue it opened."""

from __future__ import annotations

import hashlib

from mcc.forge.github.issues import origin_marker, without_marker


def test_the_marker_cannot_be_computed_without_mccs_key() -> None:
    key = "orchestrator/7/step-3"
    ours = origin_marker(b"k" * 32, key)
    assert ours == origin_marker(b"k" * 32, key)  # a retry finds its own issue
    assert ours != origin_marker(b"x" * 32, key)  # another deployment's marker differs
    # Someone who guesses the origin key still cannot plant a matching marker.
    assert hashlib.sha256(key.encode()).hexdigest()[:32] not in ours


def test_the_marker_is_taken_out_of_the_body_a_person_reads() -> None:
    body = f"Say hello.\n\n{origin_marker(b'k' * 32, 'o')}"
    assert without_marker(body) == "Say hello."
