"""One session's received batch as the desk keeps it: the messages read, the ones refused, and what to store.

Both desk-side session applications (order sessions in ``gateway.py``, drop copies in ``drop_copy.py``)
read each received application message with their own mapping; a message the mapping cannot read is
answered with a session Reject and goes no further. ``store`` then writes, inside the engine transaction
that applies the batch, the session's new outbound messages, the received raw messages (the audit trail)
and the session's record (its next inbound MsgSeqNum).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Generic, TypeVar

from app.engine.fix import tags
from app.engine.fix.errors import FixRejectError
from app.engine.fix.session import FixSession, Outgoing, Received, SessionOutput
from app.engine.fix.tags import SessionRejectReason
from app.engine.store import Transaction

T = TypeVar("T")


@dataclasses.dataclass(slots=True)
class InboundBatch(Generic[T]):
    """What one call into a session received, read by an application's mapping."""

    session: FixSession
    out: SessionOutput
    received_at: str
    messages: list[T] = dataclasses.field(default_factory=list)
    """What the mapping made of each message it could read (and did not ignore)."""
    kept: list[Received] = dataclasses.field(default_factory=list)
    """The received messages that were read, to keep in the store."""
    answers: list[Outgoing] = dataclasses.field(default_factory=list)
    """Session Rejects for the messages that could not be read."""

    @property
    def anything_new(self) -> bool:
        """Whether there is a message to store (a quiet timer tick has none)."""
        return bool(self.kept or self.answers or any(o.new for o in self.out.sends))

    def store(self, tx: Transaction) -> None:
        """Write the new outbound messages, the received ones and the session's record into ``tx``."""
        session = self.session
        for outgoing in (*self.out.sends, *self.answers):
            if outgoing.new:
                tx.add_outbound(outgoing.key, outgoing.seq, outgoing.raw)
        for received in self.kept:
            cl_ord_id = received.message.get(tags.CL_ORD_ID)
            tx.add_inbound(session.record.key, received.seq, self.received_at, received.raw, cl_ord_id)
        tx.save_session(session.record)


def read_batch(
    session: FixSession, out: SessionOutput, read: Callable[[Received], T | None], received_at: str
) -> InboundBatch[T]:
    """Read every message ``out`` received with ``read``; one that raises ``FixRejectError`` is answered with a
    session Reject naming the reason and the tag."""
    batch: InboundBatch[T] = InboundBatch(session, out, received_at)
    for received in out.received:
        try:
            message = read(received)
        except FixRejectError as bad:
            reason = SessionRejectReason(bad.reject_reason)
            batch.answers += session.reject(received, reason, str(bad), bad.tag).sends
            continue
        batch.kept.append(received)
        if message is not None:
            batch.messages.append(message)
    return batch
