"""The embedded venue simulator at run time: each venue's market behind FIX acceptors on loopback.

For every order session in the desk's configuration whose name is a venue profile (SIMA, SIMB, SIMC),
the simulator listens on that session's port as the acceptor, with the CompIDs turned round, runs the
venue's ``VenueApplication`` (matching, market makers, reports), and answers the venue's drop copy
session (role ``drop_copy``, named ``<venue>-DC`` or naming the venue) with a copy of every execution. A market
data session named ``<venue>-MD`` is that venue's own feed; any other (the desk's ``SIM-MD``) quotes every symbol
of every venue (``market_data_server.py``). Requests take effect after the venue's ack
latency; market makers requote every ``MARKET_STEP`` seconds, moving prices and filling resting orders;
at each trading day's close (the profile's calendar, on the injected clock) DAY orders expire. Everything
runs on the caller's asyncio loop, in the desktop's process or standalone (``python -m app.venue``).

With a fault script, each order session gets its own ``FaultInjector`` (the script's rules for every venue and
those aimed at this one, ``venue NAME: ...``; the same seed) on its wire
(``fault_wire.py``); a timer on the venue's clock fires held messages and time rules when due. A
"restart with empty store" gives the session a new, empty store: its numbers start again at 1.

With a store (``venue_store.py``, ``VenueSimulator(..., store_path=...)``) the venues remember across a restart, as
real ones do: each session's sequence numbers and sent messages, and each venue's client orders of the trading day,
working or finished, and id counters (``venue_state.py``), the orders that changed saved before any report of the
change goes out (a request taking effect, a market step, a fault script's act) and when the simulator stops; the
finished ones are dropped at the close. A venue restored from its store, at its first
market step while open, trades any orders the restore left crossed (a halted book's at the first step after it
resumes), and expires the DAY orders of any close passed
since it was saved.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Final

from app.engine.clock import Clock
from app.engine.fix.config import SessionConfig, SessionRole
from app.engine.fix.message import FixMessage
from app.engine.fix.session import Received
from app.engine.fix.transport import Acceptor
from app.venue.fault_wire import FaultWire
from app.venue.faults import (
    Action,
    Bust,
    Correct,
    FaultInjector,
    FaultScript,
    FillBeforeCancel,
    Halt,
    IgnoreRequest,
    PossResend,
    Resume,
    UnsolicitedCancel,
    WipeStore,
)
from app.venue.market_data_server import MarketDataServer
from app.venue.profiles import DEFAULT_PROFILES, VenueProfile
from app.venue.served import Served, open_served
from app.venue.venue_app import Outbound, VenueApplication
from app.venue.venue_state import changes, counters_mark, restore
from app.venue.venue_store import VenueStore

_log = logging.getLogger(__name__)

MARKET_STEP: Final = 0.25
"""Seconds between two requotes of every market maker."""
MARKET_DATA_SUFFIX: Final = "-MD"


@dataclasses.dataclass(frozen=True, slots=True)
class Faults:
    """A fault script for the order sessions, and the seed that overrides the script's own (None keeps it)."""

    script: FaultScript
    seed: int | None = None

    def for_venue(self, venue: str) -> Faults | None:
        """The faults ``venue`` runs: the rules for every venue and those aimed at it; None when none is left."""
        script = self.script.for_venue(venue)
        return dataclasses.replace(self, script=script) if script.rules else None


class SimulatedVenue:
    """One venue: its market, and an acceptor per session the desk has with it."""

    def __init__(
        self,
        profile: VenueProfile,
        configs: Sequence[SessionConfig],
        clock: Clock,
        faults: Faults | None = None,
        store: VenueStore | None = None,
        market_step: float | None = MARKET_STEP,
    ) -> None:
        self.profile, self.clock, self.store = profile, clock, store
        self.market_step = market_step
        """Seconds of wall time between two market steps; None: the market steps only when the caller says (``tick``),
        as a test replaying a story step by step needs."""
        drop_copy = next((c.name for c in configs if c.role is SessionRole.DROP_COPY), None)
        self.app = VenueApplication(profile, clock, drop_copy_session=drop_copy)
        kept = None if store is None else store.venue_state(profile.name)
        since = clock.now()
        if store is not None:
            self.app.touched = {}
        if store is not None and kept is not None:
            since = datetime.fromisoformat(kept.saved_ts)
            _log.info("%s: %d orders of the day restored from %s", profile.name, restore(self.app, kept), store.path)
        self._uncross_due = kept is not None
        """Whether the first market step while open must trade what the restore left crossed."""
        self._saved = () if kept is not None else counters_mark(self.app)
        """The id counters' mark at the last save; none for a venue restored, so its first market step saves the
        counters it carries on from (a crash before any client's order changed again must not repeat the ids given
        out since, a status answer's among them)."""
        self.served: dict[str, Served] = {}
        mine = None if faults is None else faults.for_venue(profile.name)
        for config in configs:
            wire = None
            if mine is not None and config.role is SessionRole.ORDERS:
                injector = FaultInjector(mine.script, clock.now(), mine.seed)
                wire = FaultWire(injector, clock, functools.partial(self._act, config.name), self._arm)
            served = self.served[config.name] = Served(config, Acceptor(config.host, config.port), wire)
            self._open(served)
        self.calendar = profile.calendar
        self.next_close = self.calendar.next_close(since)
        """When DAY orders next expire, on the venue's clock: the next trading day's close (after the last save, for a
        venue restored from its store)."""
        self.market_data: MarketDataServer | None = None
        """The shared market data sessions, where this venue's quotes for their subscribers go."""
        self._ticker: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.TimerHandle | None = None

    def _open(self, served: Served) -> None:
        """Give ``served`` its store and a session core (at start, and when a fault restarts it)."""
        kept = None if self.store is None else self.store.session_store(served.config.name)
        open_served(served, self.clock, self._hear, kept)

    def save(self, day_rolled: bool = False) -> None:
        """Save the client orders that changed and the id counters to the venue's store, if it has one and anything
        changed (``day_rolled``: the close passed, the day's finished orders go)."""
        if self.store is None:
            return
        mark = counters_mark(self.app)
        if self.app.touched or mark != self._saved or day_rolled:
            self.store.save_venue(self.profile.name, self.clock.now().isoformat(), changes(self.app, day_rolled))
            self._saved = mark

    async def start(self) -> None:
        """Listen on every session's port and start the market (and the fault timers)."""
        self._loop = asyncio.get_running_loop()
        for served in self.served.values():
            await served.acceptor.start()
        if self.market_step is not None:
            self._ticker = asyncio.create_task(self._run_market(self.market_step), name=f"venue-{self.profile.name}")
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
        self.save()

    def tick(self) -> None:
        """One market step on the venue's clock: what a restore left crossed trades (the first step while open and the
        book not halted), makers requote, due GTD orders expire, and at the close DAY orders expire."""
        now = self.clock.now()
        out: list[Outbound] = []
        if self._uncross_due and self.calendar.is_open(now):
            out += self.app.uncross()
            self._uncross_due = any(self.app.halted())  # a halted book stays crossed: again at each step till it trades
        out += self.app.step_market() + self.app.expire()
        rolled = self.next_close is not None and now >= self.next_close
        if rolled:
            out += self.app.close_session()
            self.next_close = self.calendar.next_close(now)
        self._send(out, rolled)

    def _hear(self, name: str, received: Received) -> list[FixMessage]:
        """A request from the desk: answer what the venue says at once; the rest after the ack latency. A fault
        script may have the venue fill the order first (a cancel or replace that loses the race), or ignore the
        request altogether (lost inside the venue)."""
        message = received.message
        wire = self.served[name].wire
        raced: list[Outbound] = []
        if wire is not None:
            for action in wire.injector.on_receive(message, self.clock.now()):
                if isinstance(action, IgnoreRequest):
                    return []
                if isinstance(action, FillBeforeCancel):
                    raced += self.app.fill_first(name, action.cl_ord_id)
        held = self.app.held(name)
        answers = self.app.on_message(name, message)
        if self.app.held(name) > held and self._loop is not None:  # one release per request held, at its latency
            self._loop.call_later(self.profile.ack_latency_ms / 1000, self._release, name)
        return self._route(name, raced + answers)

    def _release(self, name: str) -> None:
        self._send(self.app.release_next(name))

    async def _run_market(self, step: float) -> None:
        while True:
            await asyncio.sleep(step)
            self.tick()

    def _route(self, name: str, outbound: list[Outbound]) -> list[FixMessage]:
        """The messages for session ``name``, in order; the others (drop copies, other sessions) go out now. Either
        way the order changes they tell of are saved first (``_send``)."""
        self._send([o for o in outbound if o.session != name])
        return [o.message for o in outbound if o.session == name]

    def _send(self, outbound: list[Outbound], day_rolled: bool = False) -> None:
        """Save what changed (``save``) and store ``outbound`` in one commit with it, then write it: a report never
        goes out before the order change it tells of is in the store (a crash after it cannot bring back the order
        as it was and trade it twice), and a change is never in the store without its reports (the desk gets them
        by ResendRequest after a crash)."""
        by_session: dict[str, list[FixMessage]] = {}
        for item in outbound:
            by_session.setdefault(item.session, []).append(item.message)
        if self.store is None:
            self._stamp_and_write(by_session, lambda write: write())
            return
        with self.store.unit():
            self.save(day_rolled)
            self._stamp_and_write(by_session, self.store.after_commit)

    def _stamp_and_write(
        self, by_session: dict[str, list[FixMessage]], then: Callable[[Callable[[], None]], None]
    ) -> None:
        """Stamp and store each session's messages now, and have ``then`` write them (once they are committed)."""
        for name, bodies in by_session.items():
            served = self.served.get(name)
            if served is not None:
                then(functools.partial(served.write, served.stamp(bodies)))
            elif self.market_data is not None and self.market_data.serves(name):
                then(functools.partial(self.market_data.send, name, bodies))
            else:
                _log.debug("%s: no session %s to send %d messages to", self.profile.name, name, len(bodies))

    # Faults ----------------------------------------------------------------------------------------

    def _act(self, name: str, action: Action) -> None:
        """What a fault script asks of the venue, for session ``name``."""
        if isinstance(action, WipeStore):
            _log.info("%s: %s restarts with an empty store (fault script)", self.profile.name, name)
            if self.store is not None:
                self.store.wipe_session(name)
            self._open(self.served[name])
        elif isinstance(action, PossResend):
            self._send([Outbound(name, action.message)])
        elif isinstance(action, Bust):
            self._send(self.app.bust(action.exec_id))
        elif isinstance(action, Correct):
            self._send(self.app.correct(action.exec_id, action.to))
        elif isinstance(action, UnsolicitedCancel):
            self._send(self.app.unsolicited_cancel(name, action.cl_ord_id, action.symbol))
        elif isinstance(action, Halt):
            _log.info("%s: trading in %s halted (fault script)", self.profile.name, action.symbol)
            self._send(self.app.halt(action.symbol))
        elif isinstance(action, Resume):
            _log.info("%s: %s trades again (fault script)", self.profile.name, action.symbol)
            self._send(self.app.resume(action.symbol))

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
    """Every simulated venue the configuration names, as ``profiles`` (by name) describe it (the defaults unless
    told otherwise, e.g. by ``--hours``), each with the fault script if one is given, and the shared market data
    sessions quoting all of them. With ``store_path`` the venues remember across restarts in that SQLite file
    (created if missing; ``store.fresh`` says so); without, everything lives in memory. ``market_step``: seconds of
    wall time between market steps (None: only when the caller calls each venue's ``tick``)."""

    def __init__(
        self,
        configs: Sequence[SessionConfig],
        clock: Clock,
        faults: Faults | None = None,
        profiles: Mapping[str, VenueProfile] = DEFAULT_PROFILES,
        store_path: Path | None = None,
        market_step: float | None = MARKET_STEP,
    ) -> None:
        self.store = None if store_path is None else VenueStore(store_path)
        names = [c.name for c in configs if c.role is SessionRole.ORDERS and c.name in profiles]
        self.venues: list[SimulatedVenue] = []
        for name in names:
            own = [
                c
                for c in configs
                if c.name in (name, name + MARKET_DATA_SUFFIX)
                or (c.role is SessionRole.DROP_COPY and c.copied_venue == name)
            ]
            self.venues.append(SimulatedVenue(profiles[name], own, clock, faults, self.store, market_step))
        served = {name for venue in self.venues for name in venue.served}
        shared = [c for c in configs if c.role is SessionRole.MARKET_DATA and c.name not in served]
        self.market_data = None
        if shared and self.venues:
            self.market_data = MarketDataServer(shared, clock, [venue.app for venue in self.venues])
            for venue in self.venues:
                venue.market_data = self.market_data

    @property
    def market_data_symbols(self) -> list[str]:
        """Every symbol the venues list, in listing order: what the shared market data sessions quote."""
        return list(dict.fromkeys(symbol for venue in self.venues for symbol in venue.profile.symbols))

    async def start(self) -> None:
        """Start every venue and the shared market data sessions. If any cannot start (its port taken), those started
        stop again and the store is closed before the error goes on: nothing is left listening."""
        try:
            for venue in self.venues:
                await venue.start()
            if self.market_data is not None:
                await self.market_data.start()
        except BaseException:
            await self.close()
            raise

    def listening(self, configs: Sequence[SessionConfig]) -> tuple[SessionConfig, ...]:
        """``configs`` with the port of each session the simulator serves replaced by the port it listens on, once
        started: the same, unless the config's port 0 asked the system for a free one."""
        served = [venue.served for venue in self.venues]
        if self.market_data is not None:
            served.append(self.market_data.served)
        ports = {name: s.acceptor.port for by_name in served for name, s in by_name.items()}
        return tuple(dataclasses.replace(c, port=ports.get(c.name, c.port)) for c in configs)

    async def close(self) -> None:
        """Stop the shared market data sessions and every venue."""
        if self.market_data is not None:
            await self.market_data.close()
        for venue in self.venues:
            await venue.close()
        if self.store is not None:
            self.store.close()
