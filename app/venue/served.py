"""One FIX session the simulator serves as the acceptor: its listening socket, its store and its session core.

The store belongs to the venue: in memory (a fresh, empty one at start), or the simulator's durable store
(``venue_store.py``) holding what the session kept from its earlier runs. A fault script that restarts the venue
with its store wiped gives the session an empty one (its numbers start again at 1). With the durable store, each step
of the session (what its core says, the venue's answers and the drop copies they cause) commits to the file in one
unit before any of it is written (``venue_store.VenueStore.unit``).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable

from app.engine.clock import Clock
from app.engine.fix.config import SessionConfig
from app.engine.fix.memory_application import Handler, MemoryApplication
from app.engine.fix.message import FixMessage
from app.engine.fix.session import FixSession, Outgoing, Received, SessionOutput
from app.engine.fix.session_store import MemorySessionStore
from app.engine.fix.transport import Acceptor
from app.venue.fault_wire import FaultWire
from app.venue.venue_store import DurableSessionStore

Hear = Callable[[str, Received], list[FixMessage]]
"""Answers an application message received on the session named by the first argument."""


def acceptor_config(config: SessionConfig) -> SessionConfig:
    """The venue's side of a session the desk configured: the same session with the CompIDs turned round."""
    return dataclasses.replace(config, sender_comp_id=config.target_comp_id, target_comp_id=config.sender_comp_id)


@dataclasses.dataclass(slots=True)
class Served:
    """One session served: its acceptor, its fault wire if any, and its current store and core."""

    config: SessionConfig
    acceptor: Acceptor
    wire: FaultWire | None = None
    store: MemorySessionStore = dataclasses.field(init=False)
    session: FixSession = dataclasses.field(init=False)
    app: MemoryApplication = dataclasses.field(init=False)

    def send(self, bodies: list[FixMessage]) -> None:
        """Stamp, store and write messages the venue sends of its own accord."""
        self.write(self.stamp(bodies))

    def stamp(self, bodies: list[FixMessage]) -> list[Outgoing]:
        """Stamp and store messages the venue sends of its own accord, for ``write`` once they are stored."""
        return self.app.send(self.session, bodies)

    def write(self, outgoing: list[Outgoing]) -> None:
        """Write stored messages to the desk, if it is connected."""
        self.acceptor.write(self.config.name, outgoing)


class _CommittedApplication(MemoryApplication):
    """A session's application over the durable store: each step commits to the file in one unit (the session's
    record and messages, the venue's order changes and every report they cause), before the transport writes any."""

    def __init__(self, store: DurableSessionStore, handler: Handler) -> None:
        super().__init__(store, handler)
        self._venues = store.venues

    def carry_out(self, session: FixSession, out: SessionOutput) -> list[Outgoing]:
        """Store and answer ``out`` as ``MemoryApplication`` does, all of it in one commit."""
        with self._venues.unit():
            return super().carry_out(session, out)


def open_served(served: Served, clock: Clock, hear: Hear, store: MemorySessionStore | None = None) -> None:
    """Give ``served`` a store (by default a fresh, empty one) and a session core whose application messages go to
    ``hear``."""
    served.store = MemorySessionStore() if store is None else store
    served.session = FixSession(acceptor_config(served.config), clock, served.store, initiator=False)
    handler = functools.partial(hear, served.config.name)
    kept = served.store
    served.app = (
        _CommittedApplication(kept, handler)
        if isinstance(kept, DurableSessionStore)
        else MemoryApplication(kept, handler)
    )
    served.acceptor.add(served.session, served.app, served.wire)
