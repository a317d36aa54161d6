"""Password hashing with scrypt (memory-hard, stdlib): the clear password is never stored.

A stored hash reads `scrypt$n$r$p$salt_hex$key_hex`, so stronger parameters can be adopted
later without breaking the hashes already stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache

# 2**14 x 8 x 128 bytes = 16 MiB of memory per hash: the OWASP minimum for scrypt.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
KEY_BYTES = 32
SALT_BYTES = 16


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES, maxmem=2**26
    )


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${key.hex()}"


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Checked against when the user is unknown, so that a wrong name costs the same time as a
    wrong password (no user enumeration by timing). Made on first use, not at import."""
    return hash_password(secrets.token_hex(16))


def verify_password(password: str, stored: str | None) -> bool:
    """True when `password` matches `stored`; compares in constant time."""
    candidate = stored or _dummy_hash()
    try:
        scheme, n, r, p, salt_hex, key_hex = candidate.split("$")
        key = _derive(password, bytes.fromhex(salt_hex), int(n), int(r), int(p))
    except ValueError:
        return False
    matches = hmac.compare_digest(key, bytes.fromhex(key_hex))
    return matches and scheme == "scrypt" and stored is not None


def check_new_password(password: str) -> str | None:
    """What is wrong with a new password, or None."""
    if len(password) < 8:
        return "a password needs at least 8 characters"
    if password != password.strip():
        return "a password may not begin or end with spaces"
    return None
