"""Measure what the desktop spends after the engine is loaded, up to the main window's first paint.

Runs on the store ``bench_startup`` builds (a crash's store: 1,000,000 events, 250,000 orders; build it first with
``.venv/bin/python -m bench.bench_startup``), headless (``QT_QPA_PLATFORM=offscreen``), in a fresh process:
the engine is opened as the desktop opens it, then the real ``MainWindow`` is built over it and shown, and
the time to its first paint event is taken. Phases: ``engine_open`` (snapshot + tail), ``window_build``
(the window, its docks and models filled from the book), ``first_paint`` (show to the first paint).
The store is not changed (the engine is not closed, so it takes no snapshot).

Run: ``.venv/bin/python -m bench.bench_desktop_start``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings
from PySide6.QtWidgets import QApplication

from app.engine.clock import FakeClock
from app.engine.engine import Engine
from app.ui.main_window import MainWindow
from bench.bench_startup import CRASHED
from bench.harness import figure
from tests.support.engine_kit import DESK, TRADER, PassGate, RecordingOutbound

PAINT_WAIT_SECONDS = 60.0


class _FirstPaint(QObject):
    """Notes the time of the first paint event of the object it watches."""

    def __init__(self) -> None:
        super().__init__()
        self.at: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Record the first paint; never swallow the event."""
        if event.type() == QEvent.Type.Paint and self.at is None:
            self.at = time.perf_counter()
        return False


def measure(path: Path, settings_dir: Path) -> dict[str, float]:
    """Open the engine on ``path``, build and show the main window, and time each step to its first paint."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # read when the application is made
    app = QApplication.instance() or QApplication(sys.argv[:1])
    start = time.perf_counter()
    engine = Engine.open(path, clock=FakeClock(), gate=PassGate(), outbound=RecordingOutbound(), directory=DESK)
    opened = time.perf_counter()
    settings = QSettings(str(settings_dir / "desktop.ini"), QSettings.Format.IniFormat)
    window = MainWindow(engine, ["SIMA", "SIMB"], user=TRADER, accounts=["ACC1"], settings=settings)
    built = time.perf_counter()
    watcher = _FirstPaint()
    window.installEventFilter(watcher)
    window.show()
    while watcher.at is None and time.perf_counter() - built < PAINT_WAIT_SECONDS:
        app.processEvents()
    painted = watcher.at if watcher.at is not None else float("nan")
    orders = len(engine.ledger)
    window.hide()
    engine.store.close()  # not engine.close(): that would snapshot and change the store being measured
    return {
        "orders": orders,
        "engine_open": opened - start,
        "window_build": built - opened,
        "first_paint": painted - built,
        "total": painted - start,
    }


def main() -> None:
    """Print the figures, the time from a loaded engine to a painted window last."""
    if not CRASHED.exists():
        raise SystemExit(f"no store at {CRASHED}: run `.venv/bin/python -m bench.bench_startup` first")
    marks = measure(CRASHED, CRASHED.parent)
    figure("desktop_orders", marks["orders"], "orders")
    figure("desktop_engine_open", marks["engine_open"], "s")
    figure("desktop_window_build", marks["window_build"], "s")
    figure("desktop_show_to_first_paint", marks["first_paint"], "s")
    figure("desktop_start_to_first_paint", marks["total"], "s")
    figure("desktop_loaded_to_first_paint", marks["window_build"] + marks["first_paint"], "s")


if __name__ == "__main__":
    main()
