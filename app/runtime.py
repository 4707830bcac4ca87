"""Everything the desktop runs besides its windows: the engine, its FIX sessions and the embedded venues.

``Runtime.start`` opens (or creates) the event store in the data directory, starts the embedded venue simulator on the
configured ports unless told not to (its venues remember their sessions and orders of the day in ``venues.sqlite3``
beside the event store, so the desk logs on again with the numbers continuing; when that file is new, or the desk's
store is new to a session (a wiped desk, the venues' file kept), the session asks for a sequence reset at logon, the
venue keeps its book, and the desk's first mass status asks even with nothing live, so the orders an earlier desk left
working show as foreign orders), connects every order and drop copy session, starts the price feed on the
market data sessions (quotes into ``runtime.prices``, which marks the positions) and the automatic kill switch triggers
(lines, and kill cancels left unconfirmed, checked every second); ``stop``
logs out, snapshots the book for a quick next start, and closes the store. The windows talk to
``runtime.engine`` through commands and its change sets; nothing here imports Qt.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final

import platformdirs

from app.engine.clock import Clock
from app.engine.engine import Engine
from app.engine.fix.config import SessionConfig, SessionRole
from app.engine.fix.drop_copy import DropCopyGateway
from app.engine.fix.gateway import FixGateway
from app.engine.fix.quote_feed import QuoteFeed
from app.engine.kill_triggers import KillTriggers, TriggerGrades
from app.engine.listings import VenueListings
from app.engine.marks import follow_marks
from app.engine.opening_marks import OpeningMarks
from app.engine.prices import PriceBook
from app.engine.recovery import Progress
from app.engine.risk import RiskGate
from app.engine.risk.limits_file import default_limits_path, load_limits
from app.engine.risk.pretrade import PreTradeGate
from app.engine.roles import UserDirectory
from app.engine.smart_routing import SmartRouter
from app.venue.profiles import DEFAULT_PROFILES, VenueProfile
from app.venue.simulator import Faults, VenueSimulator
from app.venue.venue_store import VENUE_STORE_FILE

APP_NAME = "oems-desktop"
STORE_FILE = "events.db"
LINE_CHECK_SECONDS: Final = 1.0
"""How often the session-loss trigger looks at each venue's line, and the kill switch for cancels to retry."""

_log = logging.getLogger(__name__)


def data_dir(*, demo: bool = False) -> Path:
    """Where this user's event store lives, by the platform's conventions (e.g. ~/.local/share/oems-desktop).

    The demo profile has a directory of its own inside it (``demo``), so demo users never share a real store.
    """
    root = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return root / "demo" if demo else root


@dataclasses.dataclass(slots=True)
class Runtime:
    """The running engine, its order, drop copy and price sessions, the price book, and the embedded simulator
    when there is one."""

    engine: Engine
    gateway: FixGateway
    feed: QuoteFeed
    prices: PriceBook
    drop_copies: DropCopyGateway
    configs: tuple[SessionConfig, ...]
    triggers: KillTriggers
    simulator: VenueSimulator | None = None
    _line_watch: asyncio.Task[None] | None = None

    @classmethod
    async def start(
        cls,
        store: Path,
        configs: tuple[SessionConfig, ...],
        clock: Clock,
        gate: RiskGate | None = None,
        *,
        directory: UserDirectory | None = None,
        with_simulator: bool = True,
        grades: TriggerGrades | None = None,
        watchlist: Sequence[str] | None = None,
        faults: Faults | None = None,
        venues: Mapping[str, VenueProfile] = DEFAULT_PROFILES,
        limits_file: Path | None = None,
        progress: Progress | None = None,
    ) -> Runtime:
        """Open the store, start the simulator (if wanted: the ``venues`` profiles, misbehaving as ``faults`` say) and
        begin connecting every session.

        Without a ``gate`` the desk runs the full pre-trade gate over ``runtime.prices``. A desk that has never
        had limits starts with those in ``limits_file`` (default: resources/limits.toml, see ``seed_new_desk``);
        a desk that has them comes up with those in its log and does not read the file at all. The kill switch
        triggers take their thresholds from those limits and trip at ``grades`` (default: ``TriggerGrades()``);
        without a ``directory`` the
        users recorded in the store decide who may do what. The feed asks for prices of the ``watchlist`` (by
        default the symbols the simulator quotes), of every symbol with a working order, and of each symbol a
        new order names. ``progress`` hears how far the rebuild of the book has got (see ``Engine.open``).
        """
        destinations = [c.name for c in configs if c.role is SessionRole.ORDERS]
        prices = PriceBook()
        gate = gate or PreTradeGate(destinations, prices, clock)
        simulator = (
            VenueSimulator(configs, clock, faults, venues, store.parent / VENUE_STORE_FILE) if with_simulator else None
        )
        if simulator is not None:
            await simulator.start()
            configs = simulator.listening(configs)
        gateway = FixGateway(configs, clock)
        engine: Engine | None = None
        try:
            engine = Engine.open(
                store,
                clock=clock,
                gate=gate,
                outbound=gateway,
                directory=directory,
                progress=progress,
                router=SmartRouter(destinations, prices),
            )
            seed_new_desk(engine, limits_file or default_limits_path())
        except BaseException:
            if engine is not None:
                engine.store.close()
            if simulator is not None:
                await simulator.close()
            raise
        gateway.attach(engine)
        triggers = KillTriggers(engine, destinations, gateway.line_sound, grades or TriggerGrades())
        follow_marks(prices, engine)
        OpeningMarks(engine).follow(prices)
        triggers.watch_marks(prices)  # after these: positions are marked, the day opened, before the loss is checked
        if watchlist is None:
            watchlist = simulator.market_data_symbols if simulator is not None else ()
        feed = QuoteFeed(configs, clock, prices, watchlist)
        feed.attach(engine)
        drop_copies = DropCopyGateway(configs, clock)
        drop_copies.attach(engine)
        venues_fresh = simulator is not None and simulator.store is not None and simulator.store.fresh
        for session in (*gateway.sessions.values(), *drop_copies.sessions.values()):
            name = session.config.name
            new_here = session.store.session_record(name) is None
            if venues_fresh or new_here:
                # the venues remember nothing yet, or this desk never logged on to this session (a new or wiped desk
                # store, the venue's kept): both sides begin again at 1, and the venue keeps its book
                session.request_reset()
            if new_here and not venues_fresh and name in gateway.sessions:
                gateway.survey(name)  # whatever the venue still works for an earlier desk shows as a foreign order
        await gateway.start()
        await drop_copies.start()
        await feed.start()
        runtime = cls(engine, gateway, feed, prices, drop_copies, configs, triggers, simulator)
        runtime._line_watch = asyncio.create_task(runtime._watch_lines(), name="kill-switch-lines")
        return runtime

    async def _watch_lines(self) -> None:
        while True:
            await asyncio.sleep(LINE_CHECK_SECONDS)
            self.triggers.check_lines()
            self.triggers.check_marks()
            self.engine.retry_kill_cancels()
            self.engine.run_twaps()

    def accounts(self) -> list[str]:
        """The desk's accounts, for the ticket: those its limits name."""
        return sorted(self.engine.book.limits.accounts())

    def listings(self) -> VenueListings:
        """What each destination lists, as far as the desk knows: the simulated venues' profiles (nothing known of
        a real venue's)."""
        venues = self.simulator.venues if self.simulator is not None else []
        return VenueListings({venue.profile.name: venue.profile.symbols for venue in venues})

    @property
    def destinations(self) -> list[str]:
        """The venues orders can be sent to, as configured."""
        return [c.name for c in self.configs if c.role is SessionRole.ORDERS]

    async def stop(self) -> None:
        """Log out, save a snapshot for a quick next start, close the store, stop the simulator."""
        if self._line_watch is not None:
            self._line_watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._line_watch
        await asyncio.gather(self.gateway.stop(), self.feed.stop(), self.drop_copies.stop())
        self.engine.close()
        if self.simulator is not None:
            await self.simulator.close()


def seed_new_desk(engine: Engine, limits_file: Path) -> None:
    """Give a desk that has never had limits those of ``limits_file``, as audited events by the system user.

    A desk that has limits (set by its first start or by a supervisor since) keeps those of its log: the file
    is not read, so editing or breaking it changes nothing, and the log says so. On a new desk a file with a
    mistake stops the start with ``ConfigError`` naming the file, the line and the problem.
    """
    if engine.book.limits.seeded:
        _log.info(
            "Risk limits come from the desk's log; the limits file %s is not read (it only seeds a new desk; "
            "a supervisor changes limits in the Limits editor).",
            limits_file,
        )
        return
    engine.seed_limits(load_limits(limits_file), limits_file.name)
    _log.info("A new desk: risk limits loaded from %s; later starts keep them from the log.", limits_file)
