"""Where a FIX session's sequence state and sent messages live, as the session core reads them.

The desktop's sessions live in the engine's ``EventStore`` (which satisfies ``SessionStore``): each sent
message commits with its MsgSeqNum before a byte goes out, in the same transaction as the order event that
caused it. The venue simulator's acceptors use ``MemorySessionStore``; a fault script's "restart with empty
store" gives the venue's session a new, empty one (``app/venue/simulator.py``). The core only reads; its
driver writes, inside whatever transaction the message belongs to.
"""

from __future__ import annotations

from typing import Protocol

from app.engine.store_records import SessionRecord


class SessionStore(Protocol):
    """The reads a session core needs."""

    def session_record(self, name: str) -> SessionRecord | None:
        """Where session ``name`` stood at its newest epoch, or ``None`` if it never ran."""
        ...

    def last_outbound_seq(self, session: str) -> int:
        """The highest stored MsgSeqNum sent on epoch key ``session`` (0 if none)."""
        ...

    def outbound_messages(self, session: str, from_seq: int, to_seq: int | None) -> list[tuple[int, bytes]]:
        """Stored sent messages ``from_seq..to_seq`` of epoch key ``session``, inclusive, oldest first."""
        ...


class MemorySessionStore:
    """A ``SessionStore`` in memory, with the writes a driver makes; lost when the process ends."""

    def __init__(self) -> None:
        self._records: dict[str, SessionRecord] = {}
        self._sent: dict[str, dict[int, bytes]] = {}

    def session_record(self, name: str) -> SessionRecord | None:
        """Where session ``name`` stands, or ``None``."""
        return self._records.get(name)

    def last_outbound_seq(self, session: str) -> int:
        """The highest MsgSeqNum stored for ``session``."""
        return max(self._sent.get(session, {}), default=0)

    def outbound_messages(self, session: str, from_seq: int, to_seq: int | None) -> list[tuple[int, bytes]]:
        """Stored messages in the range, oldest first."""
        sent = self._sent.get(session, {})
        upper = to_seq or max(sent, default=0)
        return [(seq, sent[seq]) for seq in sorted(sent) if from_seq <= seq <= upper]

    def save(self, record: SessionRecord, sent: list[tuple[int, bytes]]) -> None:
        """Record where the session stands and the messages it is about to send."""
        self._records[record.name] = record
        self._sent.setdefault(record.key, {}).update(sent)
