"""Everything the desktop runs besides its windows: the engine, its FIX sessions and the embedded venues.

``Runtime.start`` opens (or creates) the event store in the data directory, starts the embedded venue
simulator on the configured ports unless told not to, and connects every order session; ``stop`` logs
out, snapshots the book for a quick next start, and closes the store. The windows talk to
``runtime.engine`` through commands and its change sets; nothing here imports Qt.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import platformdirs

from app.engine.clock import Clock
from app.engine.engine import Engine
from app.engine.fix.config import SessionConfig, SessionRole
from app.engine.fix.gateway import FixGateway
from app.engine.ids import UserId
from app.engine.prices import PriceBook
from app.engine.risk import RiskGate
from app.engine.risk.limits_file import default_limits_path, load_limits
from app.engine.risk.pretrade import PreTradeGate
from app.engine.roles import FixedDirectory, Role, UserDirectory
from app.venue.simulator import VenueSimulator

APP_NAME = "oems-desktop"
STORE_FILE = "events.db"
DESK_USER = UserId("trader1")
"""Who the desktop acts as until users log in (issue 5): one trader."""


def data_dir() -> Path:
    """Where this user's event store lives, by the platform's conventions (e.g. ~/.local/share/oems-desktop)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


@dataclasses.dataclass(slots=True)
class Runtime:
    """The running engine, its gateway, the reference prices, and the embedded simulator when there is one."""

    engine: Engine
    gateway: FixGateway
    configs: tuple[SessionConfig, ...]
    prices: PriceBook
    """The latest quote per symbol: the gate's reference prices (the market-data sessions fill it)."""
    simulator: VenueSimulator | None = None

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
        limits_file: Path | None = None,
    ) -> Runtime:
        """Open the store, start the simulator (if wanted) and begin connecting every order session.

        Without a ``gate`` the desk runs the full pre-trade gate over ``runtime.prices``. A desk that has
        never had limits starts with those in ``limits_file`` (default: resources/limits.toml).
        """
        destinations = [c.name for c in configs if c.role is SessionRole.ORDERS]
        prices = PriceBook()
        gate = gate or PreTradeGate(destinations, prices, clock)
        simulator = VenueSimulator(configs, clock) if with_simulator else None
        if simulator is not None:
            await simulator.start()
        gateway = FixGateway(configs, clock)
        engine: Engine | None = None
        try:
            engine = Engine.open(
                store,
                clock=clock,
                gate=gate,
                outbound=gateway,
                directory=directory or FixedDirectory({DESK_USER: Role.TRADER}),
            )
            if not engine.book.limits.seeded:
                source = limits_file or default_limits_path()
                engine.seed_limits(load_limits(source), source.name)
        except BaseException:
            if engine is not None:
                engine.store.close()
            if simulator is not None:
                await simulator.close()
            raise
        gateway.attach(engine)
        await gateway.start()
        return cls(engine, gateway, configs, prices, simulator)

    @property
    def destinations(self) -> list[str]:
        """The venues orders can be sent to, as configured."""
        return [c.name for c in self.configs if c.role is SessionRole.ORDERS]

    async def stop(self) -> None:
        """Log out, save a snapshot for a quick next start, close the store, stop the simulator."""
        await self.gateway.stop()
        self.engine.close()
        if self.simulator is not None:
            await self.simulator.close()
