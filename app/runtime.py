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
from app.engine.risk import DestinationGate, RiskGate
from app.engine.roles import UserDirectory
from app.venue.simulator import VenueSimulator

APP_NAME = "oems-desktop"
STORE_FILE = "events.db"


def data_dir(*, demo: bool = False) -> Path:
    """Where this user's event store lives, by the platform's conventions (e.g. ~/.local/share/oems-desktop).

    The demo profile has a directory of its own inside it (``demo``), so demo users never share a real store.
    """
    root = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return root / "demo" if demo else root


@dataclasses.dataclass(slots=True)
class Runtime:
    """The running engine, its gateway, and the embedded simulator when there is one."""

    engine: Engine
    gateway: FixGateway
    configs: tuple[SessionConfig, ...]
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
    ) -> Runtime:
        """Open the store, start the simulator (if wanted) and begin connecting every order session.

        Without a ``gate`` the desk checks only that each order's venue has a session (see ``DestinationGate``);
        without a ``directory`` the users recorded in the store decide who may do what.
        """
        destinations = [c.name for c in configs if c.role is SessionRole.ORDERS]
        gate = gate or DestinationGate(destinations)
        simulator = VenueSimulator(configs, clock) if with_simulator else None
        if simulator is not None:
            await simulator.start()
        gateway = FixGateway(configs, clock)
        try:
            engine = Engine.open(
                store,
                clock=clock,
                gate=gate,
                outbound=gateway,
                directory=directory,
            )
        except BaseException:
            if simulator is not None:
                await simulator.close()
            raise
        gateway.attach(engine)
        await gateway.start()
        return cls(engine, gateway, configs, simulator)

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
