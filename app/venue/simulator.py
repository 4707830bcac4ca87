"""The embedded venue simulator at run time: each venue's market behind FIX acceptors on loopback.

For every order session in the desk's configuration whose name is a venue profile (SIMA, SIMB, SIMC),
the simulator listens on that session's port as the acceptor, with the CompIDs turned round, runs the
venue's ``VenueApplication`` (matching, market makers, reports), and answers the venue's drop copy
session (role ``drop_copy``, ``<venue>-DC`` or naming the venue) with a copy of every execution. The market data
session (role ``market_data``) is served by the first venue. Requests take effect after the venue's ack
latency; market makers requote every ``MARKET_STEP`` seconds, moving prices and filling resting orders;
at the profile's close (on the injected clock) DAY orders expire. Everything runs on the caller's asyncio
loop, in the desktop's process or standalone (``python -m app.venue``).

With a fault script, each order session gets its own ``FaultInjector`` (same script, same seed) on its wire
(``fault_wire.py``); a timer on the venue's clock fires held messages and time rules when due. A
"restart with empty store" gives the session a new, empty store: its numbers start again at 1.
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
from app.venue.fault_wire import FaultWire
from app.venue.faults import (
    Action,
    Bust,
    FaultInjector,
    FaultScript,
    FillBeforeCancel,
    PossResend,
    UnsolicitedCancel,
    WipeStore,
)
from app.venue.hours import next_close
from app.venue.profiles import DEFAULT_PROFILES, VenueProfile
from app.venue.venue_app import Outbound, VenueApplication

_log = logging.getLogger(__name__)

MARKET_STEP: Final = 0.25
"""Seconds between two requotes of every market maker."""


def acceptor_config(config: SessionConfig) -> SessionConfig:
    """The venue's side of a session the desk configured: the same session with the CompIDs turned round."""
    return dataclasses.replace(config, sender_comp_id=config.target_comp_id, target_comp_id=config.sender_comp_id)


@dataclasses.dataclass(frozen=True, slots=True)
class Faults:
    """A fault script for the order sessions, and the seed that overrides the script's own (None keeps it)."""

    script: FaultScript
    seed: int | None = None


@dataclasses.dataclass(slots=True)
class _Served:
    """One session the venue serves: its acceptor, its fault wire if any, and its current store and core."""

    config: SessionConfig
    acceptor: Acceptor
    wire: FaultWire | None
    store: MemorySessionStore = dataclasses.field(init=False)
    session: FixSession = dataclasses.field(init=False)
    app: MemoryApplication = dataclasses.field(init=False)


class SimulatedVenue:
    """One venue: its market, and an acceptor per session the desk has with it."""

    def __init__(
        self, profile: VenueProfile, configs: Sequence[SessionConfig], clock: Clock, faults: Faults | None = None
    ) -> None:
        self.profile, self.clock = profile, clock
        drop_copy = next((c.name for c in configs if c.role is SessionRole.DROP_COPY), None)
        self.app = VenueApplication(profile, clock, drop_copy_session=drop_copy)
        self.served: dict[str, _Served] = {}
        for config in configs:
            wire = None
            if faults is not None and config.role is SessionRole.ORDERS:
                injector = FaultInjector(faults.script, clock.now(), faults.seed)
                wire = FaultWire(injector, clock, functools.partial(self._act, config.name), self._arm)
            served = self.served[config.name] = _Served(config, Acceptor(config.host, config.port), wire)
            self._open(served)
        self.next_close = None if profile.close is None else next_close(profile.close, profile.zone, clock.now())
        """When DAY orders next expire, on the venue's clock."""
        self._ticker: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.TimerHandle | None = None

    def _open(self, served: _Served) -> None:
        """Give ``served`` a fresh, empty store and session core (at start, and when a fault restarts it)."""
        served.store = MemorySessionStore()
        served.session = FixSession(acceptor_config(served.config), self.clock, served.store, initiator=False)
        served.app = MemoryApplication(served.store, functools.partial(self._hear, served.config.name))
        served.acceptor.add(served.session, served.app, served.wire)

    async def start(self) -> None:
        """Listen on every session's port and start the market (and the fault timers)."""
        self._loop = asyncio.get_running_loop()
        for served in self.served.values():
            await served.acceptor.start()
        self._ticker = asyncio.create_task(self._run_market(), name=f"venue-{self.profile.name}")
        self._arm()

    async def close(self) -> None:
        """Stop the market, the fault timers and every acceptor."""
        if self._timer is not None:
            self._timer.cancel()
        self._loop = None
        if self._ticker is not None:
            self._ticker.cancel()
            await asyncio.gather(self._ticker, return_exceptions=True)
        for served in self.served.values():
            await served.acceptor.close()

    def tick(self) -> None:
        """One market step on the venue's clock: makers requote, due GTD orders expire, and at the close DAY
        orders expire."""
        out = self.app.step_market() + self.app.expire()
        now = self.clock.now()
        if self.next_close is not None and self.profile.close is not None and now >= self.next_close:
            out += self.app.close_session()
            self.next_close = next_close(self.profile.close, self.profile.zone, now)
        self._send(out)

    def _hear(self, name: str, received: Received) -> list[FixMessage]:
        """A request from the desk: answer what the venue says at once; the rest after the ack latency. A fault
        script may have the venue fill the order first (a cancel or replace that loses the race)."""
        message = received.message
        wire = self.served[name].wire
        raced: list[Outbound] = []
        if wire is not None:
            for action in wire.injector.on_receive(message, self.clock.now()):
                if isinstance(action, FillBeforeCancel):
                    raced += self.app.fill_first(name, action.cl_ord_id)
        held = self.app.held(name)
        answers = self.app.on_message(name, message)
        if self.app.held(name) > held and self._loop is not None:  # one release per request held, at its latency
            self._loop.call_later(self.profile.ack_latency_ms / 1000, self._release, name)
        return self._route(name, raced + answers)

    def _release(self, name: str) -> None:
        self._send(self.app.release_next(name))

    async def _run_market(self) -> None:
        while True:
            await asyncio.sleep(MARKET_STEP)
            self.tick()

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
            served.acceptor.write(served.config.name, served.app.send(served.session, bodies))

    # Faults ----------------------------------------------------------------------------------------

    def _act(self, name: str, action: Action) -> None:
        """What a fault script asks of the venue, for session ``name``."""
        if isinstance(action, WipeStore):
            _log.info("%s: %s restarts with an empty store (fault script)", self.profile.name, name)
            self._open(self.served[name])
        elif isinstance(action, PossResend):
            self._send([Outbound(name, action.message)])
        elif isinstance(action, Bust):
            self._send(self.app.bust(action.exec_id))
        elif isinstance(action, UnsolicitedCancel):
            self._send(self.app.unsolicited_cancel(name, action.cl_ord_id, action.symbol))

    def _arm(self) -> None:
        """Set the fault timer for the earliest held message or time rule of any session."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        due = min((d for s in self.served.values() if s.wire is not None and (d := s.wire.due())), default=None)
        if due is not None and self._loop is not None:
            delay = max(0.0, (due - self.clock.now()).total_seconds())
            self._timer = self._loop.call_later(delay, self._fire)

    def _fire(self) -> None:
        self._timer = None
        for served in self.served.values():
            if served.wire is not None:
                served.wire.fire()
        self._arm()


class VenueSimulator:
    """Every simulated venue the configuration names, each with the fault script if one is given."""

    def __init__(self, configs: Sequence[SessionConfig], clock: Clock, faults: Faults | None = None) -> None:
        self.venues: list[SimulatedVenue] = []
        names = [c.name for c in configs if c.role is SessionRole.ORDERS and c.name in DEFAULT_PROFILES]
        market_data = [c for c in configs if c.role is SessionRole.MARKET_DATA]
        for i, name in enumerate(names):
            own = [c for c in configs if c.name == name or (c.role is SessionRole.DROP_COPY and c.copied_venue == name)]
            profile = DEFAULT_PROFILES[name]
            self.venues.append(SimulatedVenue(profile, own + (market_data if i == 0 else []), clock, faults))

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
