"""A command split at its slow part, so a desktop can keep its screen alive while a password is hashed.

Hashing or checking a password (scrypt) takes most of a second by design. ``Slow.work`` is that part: it
touches nothing shared, so it may run on a worker thread. ``Slow.finish`` takes its result, checks again
whatever may have changed meanwhile, and records the outcome; it must run where the engine runs. ``run``
does both in turn, for callers with no screen to keep alive (tests, the command line).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Slow(Generic[T]):
    """``work`` (thread-safe, slow) then ``finish`` (with its result, where the engine runs)."""

    work: Callable[[], Any]
    finish: Callable[[Any], T]

    @classmethod
    def done(cls, result: T) -> Slow[T]:
        """A command that turned out to need no slow part (refused before any hashing): ``result`` as it is."""
        return cls(lambda: None, lambda _nothing: result)

    def run(self) -> T:
        """Both parts, one after the other, here."""
        return self.finish(self.work())
