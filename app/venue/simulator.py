"""The embedded venue simulator at run time: each venue's market behind FIX acceptors on loopback.

For every order session in the desk's configuration whose name is a venue profile (SIMA, SIMB, SIMC),
the simulator listens on that session's port as the acceptor, with the CompIDs turned round, runs the
venue's ``VenueApplication`` (matching, market makers, reports), and answers the venue's drop copy
session (role ``drop_copy``, named ``<venue>-DC``) with a copy of every execution. The market data
session (role ``market_data``) is served by the first venue. Requests take effect after the venue's ack
latency; market makers requote every ``MARKET_STEP`` seconds, moving prices and filling resting orders.
Everything runs on the caller's asyncio loop, in the desktop's process or standalone
(``python -m app.venue``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
from collections.abc import Sequence
from typing import Final

from app.engine.clock import Clock
from app.engine.fix.config import SessionConfig, SessionRole
from app.engine.fix.memory_application import MemoryApplication
from app.engine.fix.message import FixMessage
from app.engine.fix.session import FixSession, Received
from app.engine.fix.session_store import MemorySessionStore
from app.engine.fix.transport import Acceptor
from app.venue.profiles import DEFAULT_PROFILES, VenueProfile
from app.venue.venue_app import Outbound, VenueApplication

_log = logging.getLogger(__name__)

MARKET_STEP: Final = 0.25
"""Seconds between two requotes of every market maker."""
DROP_COPY_SUFFIX: Final = "-DC"


def acceptor_config(config: SessionConfig) -> SessionConfig:
    """The venue's side of a session the desk configured: the same session with the CompIDs turned round."""
    return dataclasses.replace(config, sender_comp_id=config.target_comp_id, target_comp_id=config.sender_comp_id)


@dataclasses.dataclass(slots=True)
class _Served:
    session: FixSession
    app: MemoryApplication
    acceptor: Acceptor


class SimulatedVenue:
    """One venue: its market, and an acceptor per session the desk has with it."""

    def __init__(self, profile: VenueProfile, configs: Sequence[SessionConfig], clock: Clock) -> None:
        self.profile, self.clock = profile, clock
        drop_copy = next((c.name for c in configs if c.role is SessionRole.DROP_COPY), None)
        self.app = VenueApplication(profile, clock, drop_copy_session=drop_copy)
        self.store = MemorySessionStore()
        self.served: dict[str, _Served] = {}
        for config in configs:
            session = FixSession(acceptor_config(config), clock, self.store, initiator=False)
            memory = MemoryApplication(self.store, functools.partial(self._hear, config.name))
            acceptor = Acceptor(config.host, config.port)
            acceptor.add(session, memory)
            self.served[config.name] = _Served(session, memory, acceptor)
        self._ticker: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> None:
        """Listen on every session's port and start the market."""
        self._loop = asyncio.get_running_loop()
        for served in self.served.values():
            await served.acceptor.start()
        self._ticker = asyncio.create_task(self._run_market(), name=f"venue-{self.profile.name}")

    async def close(self) -> None:
        """Stop the market and every acceptor."""
        if self._ticker is not None:
            self._ticker.cancel()
            await asyncio.gather(self._ticker, return_exceptions=True)
        for served in self.served.values():
            await served.acceptor.close()

    def _hear(self, name: str, received: Received) -> list[FixMessage]:
        """A request from the desk: answer what the venue says at once; the rest after the ack latency."""
        held = self.app.held(name)
        answers = self.app.on_message(name, received.message)
        if self.app.held(name) > held and self._loop is not None:  # one release per request held, at its latency
            self._loop.call_later(self.profile.ack_latency_ms / 1000, self._release, name)
        return self._route(name, answers)

    def _release(self, name: str) -> None:
        self._send(self.app.release_next(name))

    async def _run_market(self) -> None:
        while True:
            await asyncio.sleep(MARKET_STEP)
            self._send(self.app.step_market() + self.app.expire())

    def _route(self, name: str, outbound: list[Outbound]) -> list[FixMessage]:
        """The messages for session ``name``, in order; the others (drop copies, other sessions) go out now."""
        self._send([o for o in outbound if o.session != name])
        return [o.message for o in outbound if o.session == name]

    def _send(self, outbound: list[Outbound]) -> None:
        by_session: dict[str, list[FixMessage]] = {}
        for item in outbound:
            by_session.setdefault(item.session, []).append(item.message)
        for name, bodies in by_session.items():
            served = self.served.get(name)
            if served is None:
                _log.debug("%s: no session %s to send %d messages to", self.profile.name, name, len(bodies))
                continue
            served.acceptor.write(served.session.config.name, served.app.send(served.session, bodies))


class VenueSimulator:
    """Every simulated venue the configuration names."""

    def __init__(self, configs: Sequence[SessionConfig], clock: Clock) -> None:
        self.venues: list[SimulatedVenue] = []
        names = [c.name for c in configs if c.role is SessionRole.ORDERS and c.name in DEFAULT_PROFILES]
        market_data = [c for c in configs if c.role is SessionRole.MARKET_DATA]
        for i, name in enumerate(names):
            own = [c for c in configs if c.name in (name, name + DROP_COPY_SUFFIX)]
            self.venues.append(SimulatedVenue(DEFAULT_PROFILES[name], own + (market_data if i == 0 else []), clock))

    @property
    def market_data_symbols(self) -> list[str]:
        """The symbols the market data session quotes (those of the venue serving it)."""
        return self.venues[0].profile.symbols if self.venues else []

    async def start(self) -> None:
        """Start every venue."""
        for venue in self.venues:
            await venue.start()

    async def close(self) -> None:
        """Stop every venue."""
        for venue in self.venues:
            await venue.close()
