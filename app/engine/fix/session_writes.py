"""Messages a desk application sends of its own accord: numbered by the session, stored, then written.

Durable before send: the messages and the session's record commit in one transaction before the caller
writes a byte. If the store fails, the MsgSeqNums go back to the session and nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.engine.errors import OemsError
from app.engine.fix.message import FixMessage
from app.engine.fix.session import FixSession, Outgoing
from app.engine.store import EventStore


def send_stored(
    store: EventStore, session: FixSession, bodies: Sequence[FixMessage], earlier: Sequence[Outgoing] = ()
) -> list[Outgoing]:
    """Stamp ``bodies`` and store them, the new ones of ``earlier`` and the session's record; the caller writes."""
    outgoing = [session.send(body) for body in bodies]
    try:
        with store.transaction() as tx:
            for message in (*earlier, *outgoing):
                if message.new:
                    tx.add_outbound(message.key, message.seq, message.raw)
            tx.save_session(session.record)
    except OemsError:
        if outgoing:
            session.take_back(outgoing[0].seq)
        raise
    return outgoing
