"""Passwords: the minimum rules, in words, and salted slow hashes (scrypt) checked in constant time.

A password is never stored or logged: only ``hash_password``'s ``Credential`` (a random salt per password,
the scrypt parameters, the digest) is kept, in the store's ``credentials`` table. The parameters travel
with each hash, so raising the cost later leaves older hashes checkable.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from app.engine.store_records import Credential

SCHEME = "scrypt"
SALT_BYTES = 16
DIGEST_BYTES = 32
MIN_LENGTH = 10
MAX_LENGTH = 256


@dataclass(frozen=True, slots=True)
class ScryptCost:
    """scrypt's parameters: ``n`` (CPU and memory, a power of two), ``r`` (block size), ``p`` (parallelism)."""

    n: int
    r: int = 8
    p: int = 1

    @property
    def memory(self) -> int:
        """The bytes one hash needs (with room to spare), for scrypt's ``maxmem``."""
        return 2 * 128 * self.n * self.r * self.p


STANDARD_COST = ScryptCost(2**17)
"""OWASP's minimum for scrypt (N=2^17, r=8, p=1): about 0.75 s and 128 MiB per hash on the project's machine."""


def password_problems(user_id: str, password: str) -> list[str]:
    """What is wrong with ``password`` for ``user_id``, in words (empty when it will do)."""
    found = []
    if len(password) < MIN_LENGTH:
        found.append(f"A password needs at least {MIN_LENGTH} characters (this one has {len(password)}).")
    if len(password) > MAX_LENGTH:
        found.append(f"A password may have at most {MAX_LENGTH} characters.")
    if password and len(set(password)) == 1:
        found.append("A password cannot be one character repeated.")
    if user_id and user_id.lower() in password.lower():
        found.append("A password cannot contain the user id.")
    if password != password.strip():
        found.append("A password cannot start or end with a space.")
    return found


def hash_password(user_id: str, password: str, cost: ScryptCost = STANDARD_COST) -> Credential:
    """A new salted hash of ``password`` for ``user_id`` (a fresh random salt every time)."""
    salt = secrets.token_bytes(SALT_BYTES)
    return Credential(user_id, SCHEME, cost.n, cost.r, cost.p, salt, _digest(password, salt, cost))


def matches(password: str, stored: Credential) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (compared in constant time)."""
    if stored.scheme != SCHEME:
        return False
    cost = ScryptCost(stored.n, stored.r, stored.p)
    return hmac.compare_digest(_digest(password, stored.salt, cost, len(stored.digest)), stored.digest)


def _digest(password: str, salt: bytes, cost: ScryptCost, size: int = DIGEST_BYTES) -> bytes:
    return hashlib.scrypt(
        password.encode(), salt=salt, n=cost.n, r=cost.r, p=cost.p, maxmem=cost.memory + 1024 * 1024, dklen=size
    )
