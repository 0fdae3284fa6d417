"""Passwords are stored as Argon2id at RFC 9106's parameters (the tests' own hashing is
cheaper: `cheap_password_hashing` in tests/conftest.py)."""

from __future__ import annotations

import argon2
import pytest

from mcc.security.passwords import hash_password, verify_password

pytestmark = pytest.mark.real_password_hashing


async def test_a_password_is_stored_as_argon2id_with_rfc_9106_low_memory_parameters():
    stored = await hash_password("correct horse battery staple")

    assert stored.startswith("$argon2id$")
    assert argon2.extract_parameters(stored) == argon2.profiles.RFC_9106_LOW_MEMORY
    assert await verify_password(stored, "correct horse battery staple")
    assert not await verify_password(stored, "correct horse battery stapler")


async def test_two_hashes_of_one_password_differ_by_their_salt():
    assert await hash_password("correct horse battery staple") != await hash_password(
        "correct horse battery staple"
    )
