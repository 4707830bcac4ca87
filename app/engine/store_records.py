"""The event store's records: a stored event, a snapshot, and the hash that chains events together."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple


class StoredEvent(NamedTuple):
    """One record of the log as it is on disk (a named tuple: replay builds millions, cheaply)."""

    seq: int
    """Position in the log: 1, 2, 3 ... without gaps."""
    ts: str
    """ISO-8601 UTC time text the caller gave (the engine's injected clock)."""
    user: str
    """Who caused the event."""
    kind: str
    """The event's type name, e.g. ``OrderSubmitted``."""
    order_id: str | None
    """The order the event belongs to, if any; ``read_order`` finds events by it."""
    data: str
    """The event's canonical JSON text, as the caller serialized it."""
    hash: str
    """Hex sha256 of the previous record's hash and this record's fields (see ``chain_hash``)."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A serialized projection of the log up to ``last_seq``; restart loads it and replays the tail."""

    schema_version: int
    """Version of the blob's layout, owned by whoever wrote it."""
    last_seq: int
    """The last event the snapshot includes."""
    last_hash: str
    """That event's hash, so the tail replayed onto the snapshot is known to continue the same chain."""
    created_ts: str
    """When it was taken (caller's clock)."""
    blob: bytes
    """The serialized state (with pieces: the part that names them)."""
    parts: Mapping[int, bytes] = field(default_factory=dict)
    """The pieces saved apart (``EventStore.save_snapshot_part``) that this snapshot uses, by id."""


class SessionRecord(NamedTuple):
    """Where one FIX session stands: its epoch (a new one each sequence reset) and the next MsgSeqNum due in.

    The next MsgSeqNum out is not kept here: it follows from the highest stored outbound message of
    ``key``, which commits in the same transaction as the message itself.
    """

    name: str
    """The session's configured name, e.g. ``SIMA``."""
    epoch: int
    """1 for the first run; one more at each sequence reset."""
    started_ts: str
    """When this epoch began (ISO-8601 UTC), to decide the daily reset."""
    next_in_seq: int
    """The MsgSeqNum expected next from the counterparty."""

    @property
    def key(self) -> str:
        """The key of this epoch's messages in the store: ``name:epoch``."""
        return f"{self.name}:{self.epoch}"


class Credential(NamedTuple):
    """One user's password as the store keeps it: a salted scrypt hash and the parameters that made it."""

    user_id: str
    """Whose password it is."""
    scheme: str
    """The hash function, ``scrypt``."""
    n: int
    """scrypt's CPU/memory cost (a power of two)."""
    r: int
    """scrypt's block size."""
    p: int
    """scrypt's parallelism."""
    salt: bytes
    """Random bytes drawn for this password alone."""
    digest: bytes
    """The hash of the password with ``salt`` under these parameters."""


def chain_hash(prev_hash: str, seq: int, ts: str, user: str, kind: str, order_id: str | None, data: str) -> str:
    """Hash one record onto the chain: hex sha256 of the UTF-8 text ``prev|seq|L(ts)|...|L(data)``.

    ``L(s)`` is ``f"{len(s)}:{s}"`` (length in code points), so no choice of field contents can make two
    different records hash the same text; a missing ``order_id`` counts as ``""``.
    """
    oid = order_id or ""
    text = f"{prev_hash}|{seq}|{len(ts)}:{ts}|{len(user)}:{user}|{len(kind)}:{kind}|{len(oid)}:{oid}|{len(data)}:{data}"
    return hashlib.sha256(text.encode()).hexdigest()
