"""The engine's exceptions: one root, narrow subclasses, each message written for the person reading it.

Business outcomes (a risk denial, a refused amend) are events or results, never exceptions; these are for
things that stop the engine from doing its job: a damaged or locked database, a full disk, a bad file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class OemsError(Exception):
    """Root of every error the engine raises on purpose."""


class StoreError(OemsError):
    """The event store cannot be read or written."""


class StoreLockedError(StoreError):
    """Another program holds the database."""


class StoreCorruptError(StoreError):
    """The database file is damaged or is not an OEMS database."""


class DiskFullError(StoreError):
    """A write failed because the disk is full; nothing of that write was kept."""


class ChainBrokenError(StoreError):
    """The event log's hash chain does not verify: the log was altered after it was written.

    ``seq`` is the first record where the log stops being trustworthy; the message names it too.
    """

    def __init__(self, message: str, seq: int) -> None:
        super().__init__(message)
        self.seq = seq


class SnapshotVersionError(StoreError):
    """A snapshot was written by a newer version of the program than this one."""


class StoreVersionError(StoreError):
    """The event store was written by a newer version of the program, whose layout this one cannot read."""


class ProfileError(OemsError):
    """The store does not suit the profile asked for (the demo profile on a store with real users)."""


class DuplicateOutboundError(StoreError):
    """A FIX session already has a stored outbound message with that sequence number."""


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong in a configuration file: what, and on which line (None when it is the whole file)."""

    line: int | None
    problem: str


class ConfigError(OemsError):
    """A configuration file is missing, unreadable or wrong; names the file, the line and each problem.

    ``path``, ``line`` and ``problem`` describe the first problem (by line); ``problems`` lists them all.
    """

    def __init__(self, path: Path, problems: Sequence[ConfigProblem]) -> None:
        if not problems:
            raise ValueError("a ConfigError needs at least one problem")
        self.path = path
        self.problems = tuple(sorted(problems, key=lambda p: p.line or 0))
        self.line = self.problems[0].line
        self.problem = self.problems[0].problem
        super().__init__("\n".join(_describe(path, p) for p in self.problems))


def _describe(path: Path, problem: ConfigProblem) -> str:
    where = path.name if problem.line is None else f"{path.name}, line {problem.line}"
    return f"{where}: {problem.problem}"
