"""How long the main window takes to repaint, in each theme.

The real ``MainWindow`` (offscreen) over a ledger of ``ORDERS`` orders (``bench_blotter.build_ledger``, shown
through a real engine's blotter model) is painted whole ``REPEATS`` times per theme with ``QWidget.grab``,
which runs every widget's paint code as a repaint on screen does; the blotter's viewport is then repainted
on its own. Figures are the median per paint. Headline figure last: ``repaint_window_light``.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.harness import figure

ORDERS = 2_000
REPEATS = 30


def main() -> None:
    """Open the window on an engine, then time whole-window and blotter repaints in each theme."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.engine.clock import SystemClock
    from app.engine.engine import Engine
    from app.ui.main_window import MainWindow
    from app.ui.theme import Theme
    from bench.bench_blotter import build_ledger
    from tests.support.engine_kit import DESK, TRADER, PassGate, RecordingOutbound

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        engine = Engine.open(
            Path(folder) / "desk.db", clock=SystemClock(), gate=PassGate(), outbound=RecordingOutbound(), directory=DESK
        )
        settings = QSettings(str(Path(folder) / "desktop.ini"), QSettings.Format.IniFormat)
        window = MainWindow(engine, ["SIM1"], user=TRADER, settings=settings)
        window.resize(1600, 1000)
        window.show()
        window.blotter.model.reset(build_ledger(ORDERS))
        app.processEvents()
        figures: dict[str, float] = {}
        for theme in (Theme.DARK, Theme.LIGHT):
            window.set_theme(theme)
            app.processEvents()
            window.grab()  # the first paint in a theme lays out and caches; not counted
            figures[f"repaint_blotter_{theme.value}"] = _median(window.blotter.table.viewport().repaint)
            figures[f"repaint_window_{theme.value}"] = _median(window.grab)
        window.close()
        engine.close()
    for name, value in figures.items():
        figure(name, value, "ms")


def _median(paint: object) -> float:
    assert callable(paint)
    times = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        paint()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


if __name__ == "__main__":
    main()
