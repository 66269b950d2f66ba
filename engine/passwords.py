"""Password hashing for local accounts (argon2id)."""
from __future__ import annotations

import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


@functools.cache
def dummy_hash() -> str:
    """A hash of a random password: verified for unknown users, so they cost as much
    time as known ones and answer times do not reveal which user names exist."""
    return _HASHER.hash(secrets.token_urlsafe(16))


def check_password(stored: str | None, password: str) -> bool:
    try:
        return bool(_HASHER.verify(stored or dummy_hash(), password)) and bool(stored)
    except (VerificationError, InvalidHashError):
        return False
