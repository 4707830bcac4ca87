"""A ``SessionApplication`` over a ``MemorySessionStore``: the venue simulator's acceptors and tests use it.

It stores each new message before the transport writes it, then hands every received application message
to a handler whose replies it stamps, stores and returns for writing.
"""

from __future__ import annotations

from collections.abc import Callable

from app.engine.fix.message import FixMessage
from app.engine.fix.session import FixSession, Outgoing, Received, SessionOutput
from app.engine.fix.session_store import MemorySessionStore

Handler = Callable[[Received], list[FixMessage]]
"""Reacts to one received application message with the message bodies to send back."""


class MemoryApplication:
    """Durable-before-write against memory, then the handler's replies."""

    def __init__(self, store: MemorySessionStore, handler: Handler) -> None:
        self.store, self.handler = store, handler

    def carry_out(self, session: FixSession, out: SessionOutput) -> list[Outgoing]:
        """Store ``out``'s new messages and the record, then answer what was received."""
        self.store.save(session.record, [(o.seq, o.raw) for o in out.sends if o.new])
        replies = [session.send(body) for received in out.received for body in self.handler(received)]
        if replies:
            self.store.save(session.record, [(o.seq, o.raw) for o in replies])
        return replies

    def send(self, session: FixSession, bodies: list[FixMessage]) -> list[Outgoing]:
        """Stamp and store messages the application sends of its own accord; the caller writes them."""
        outgoing = [session.send(body) for body in bodies]
        self.store.save(session.record, [(o.seq, o.raw) for o in outgoing])
        return outgoing
