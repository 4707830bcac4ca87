"""The engine's exceptions: one root, narrow subclasses, each message written for the person reading it.

Business outcomes (a risk denial, a refused amend) are events or results, never exceptions; these are for
things that stop the engine from doing its job: a damaged or locked database, a full disk, a bad file.
"""

from __future__ import annotations


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
    """The event log's hash chain does not verify: the log was altered after it was written."""


class SnapshotVersionError(StoreError):
    """A snapshot was written by a newer version of the program than this one."""


class StoreVersionError(StoreError):
    """The event store was written by a newer version of the program, whose layout this one cannot read."""


class DuplicateOutboundError(StoreError):
    """A FIX session already has a stored outbound message with that sequence number."""
