"""The real main window over a real engine and FIX gateway, connected over loopback to a venue acceptor that
answers logons and nothing else (a ``MemoryApplication``), all on one qasync loop as the desktop runs; or
(``simulator_desk``) the whole desk as ``python -m app`` runs it, on the embedded simulator's venues."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.engine.clock import SystemClock
from app.engine.engine import Engine
from app.engine.fix.config import default_config_path, load_config
from app.engine.fix.gateway import FixGateway
from app.engine.fix.memory_application import MemoryApplication
from app.engine.fix.session import FixSession
from app.engine.fix.session_store import MemorySessionStore
from app.engine.fix.transport import Acceptor, Backoff
from app.engine.ids import UserId
from app.runtime import Runtime
from app.ui.desk_window import desk_window
from app.ui.main_window import MainWindow
from app.venue.faults.script import parse_script
from app.venue.simulator import Faults
from tests.support.engine_kit import DESK, TRADER, PassGate
from tests.support.fix_script import session_config
from tests.support.ports import any_ports


class QuietVenue:
    """A venue's session that logs on and answers no order (a fresh one forgets every number)."""

    def __init__(self) -> None:
        self.store = MemorySessionStore()
        self.session = FixSession(session_config("DESK", "VENUE", "DESK"), SystemClock(), self.store, initiator=False)
        self.app = MemoryApplication(self.store, lambda received: [])
        self.acceptor: Acceptor | None = None

    async def listen(self, port: int = 0) -> int:
        """Accept the desk on ``port`` (0: any free port); returns the port."""
        self.acceptor = Acceptor("127.0.0.1", port)
        self.acceptor.add(self.session, self.app)
        return await self.acceptor.start()

    async def close(self) -> None:
        """Stop listening and drop the desk."""
        if self.acceptor is not None:
            await self.acceptor.close()
            self.acceptor = None


class LoopbackDesk:
    """Engine, gateway and main window against ``QuietVenue``s; ``run`` drives a scenario on the qasync loop."""

    def __init__(self, qtbot: QtBot, tmp_path: Path, loop: qasync.QEventLoop) -> None:
        self.qtbot, self.tmp_path, self.loop = qtbot, tmp_path, loop
        self.venue = QuietVenue()
        self.port = 0
        self.gateway: FixGateway | None = None
        self.engine: Engine | None = None
        self.window: MainWindow | None = None

    async def start(self) -> MainWindow:
        """Start the venue, then the desk, and wait for the logon."""
        self.port = await self.venue.listen()
        clock = SystemClock()
        self.gateway = FixGateway([session_config("SIMA", "DESK", "VENUE", self.port)], clock, Backoff(0.05, 0.1))
        path = self.tmp_path / "desk.db"
        self.engine = Engine.open(path, clock=clock, gate=PassGate(), outbound=self.gateway, directory=DESK)
        self.gateway.attach(self.engine)
        settings = QSettings(str(self.tmp_path / "desktop.ini"), QSettings.Format.IniFormat)
        self.window = MainWindow(self.engine, ["SIMA"], user=TRADER, settings=settings, gateway=self.gateway)
        self.qtbot.addWidget(self.window)
        self.window.show()
        await self.gateway.start()
        await until(lambda: self.gateway is not None and self.gateway.sessions["SIMA"].is_active)
        return self.window

    async def stop(self) -> None:
        """Log out, close the venue and the store."""
        if self.gateway is not None:
            await self.gateway.stop()
        await self.venue.close()
        if self.engine is not None:
            self.engine.close()

    def run(self, scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run ``scenario`` to the end on the loop, then wind everything down."""

        async def whole() -> None:
            try:
                await scenario()
            finally:
                await self.stop()

        self.loop.run_until_complete(whole())


async def until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    """Let the loop run until ``condition`` holds."""
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - polls state that the code under test does not signal
            await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def simulator_desk(
    qtbot: QtBot, tmp_path: Path, *, user: UserId = TRADER, faults: str = ""
) -> AsyncIterator[tuple[Runtime, MainWindow]]:
    """``user``'s main window on a whole desk (``Runtime``: engine, gateway, quote feed, full risk gate) and the
    embedded simulator's venues, misbehaving as the fault script ``faults`` says, every session on a free loopback
    port. Ready once every order session is logged on and ACME has a quote (the price band needs one)."""
    configs = any_ports(load_config(default_config_path()))
    script = Faults(parse_script(faults, "the test's fault script")) if faults else None
    runtime = await Runtime.start(tmp_path / "desk.db", configs, SystemClock(), directory=DESK, faults=script)
    try:
        settings = QSettings(str(tmp_path / "desktop.ini"), QSettings.Format.IniFormat)
        window = desk_window(runtime, user, settings=settings)
        qtbot.addWidget(window)
        window.show()
        await until(lambda: all(session.is_active for session in runtime.gateway.sessions.values()))
        await until(lambda: runtime.prices.quote("ACME") is not None)
        yield runtime, window
    finally:
        await runtime.stop()


@pytest.fixture
def loop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """A qasync loop over the test's QApplication, as ``python -m app`` runs."""
    event_loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(event_loop)
    yield event_loop
    event_loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def desk(qtbot: QtBot, tmp_path: Path, loop: qasync.QEventLoop) -> LoopbackDesk:
    return LoopbackDesk(qtbot, tmp_path, loop)
