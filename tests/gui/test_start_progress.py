"""The start-up progress window: ``Runtime.start`` passes the engine's replay progress through to it, so a long
replay says how far it has got before the main window opens."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import qasync
from pytestqt.qtbot import QtBot

from app.engine.clock import SystemClock
from app.engine.commands import SubmitOrder
from app.engine.fix.config import default_config_path, load_config
from app.runtime import Runtime
from app.ui.start_progress import QtStartProgress
from tests.gui.desk_on_loopback import loop
from tests.support.engine_kit import DESK, TRADER, open_engine, spec
from tests.support.ports import any_ports

__all__ = ["loop"]  # fixture


def test_the_replay_at_start_up_is_reported_in_the_progress_window(
    qtbot: QtBot, tmp_path: Path, loop: qasync.QEventLoop
) -> None:
    store = tmp_path / "desk.db"
    engine, _ = open_engine(store)
    for _ in range(5):
        engine.submit(SubmitOrder(spec(qty=Decimal(10)), TRADER))
    logged = engine.store.last_seq
    engine.store.close()  # as after a crash: no snapshot, so the whole log is replayed
    starting = QtStartProgress()
    qtbot.addWidget(starting)
    starting.show()
    heard: list[tuple[str, int, int]] = []

    def progress(what: str, done: int, total: int) -> None:
        heard.append((what, done, total))
        starting.report(what, done, total)

    async def scenario() -> None:
        configs = any_ports(load_config(default_config_path()))
        runtime = await Runtime.start(
            store, configs, SystemClock(), directory=DESK, with_simulator=False, progress=progress
        )
        await runtime.stop()

    loop.run_until_complete(scenario())
    replay = [(done, total) for what, done, total in heard if what == "Replaying the order log"]
    assert replay == [(0, logged)]  # then every 20,000 events
    assert heard[-1] == ("Ready", logged, logged)
    assert starting.said.text() == f"Ready: {logged} of {logged}"
    assert (starting.bar.value(), starting.bar.maximum()) == (logged, logged)
