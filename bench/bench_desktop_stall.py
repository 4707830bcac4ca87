"""How long the desktop's event loop stalls while 10,000 execution reports a second pour in for 10 seconds.

The real ``MainWindow`` (offscreen) runs on the real engine (a durable store in a temp directory) under
qasync, as ``python -m app`` runs. A driver applies the reports through ``Engine.apply_venue_messages`` in
read-sized batches, one batch per turn of the loop, as the FIX gateway does with each socket read. A
``QTimer`` ticking every 5 ms records how late each tick comes: that lateness is what a trader feels as a
frozen screen. The time the window's views take per bridge emit is printed on its own (``desktop_gui_emit``),
apart from the engine's apply and commit. Then the blotter's sort and filter times at 100,000 orders
(``bench_blotter``).

Where the long ticks go: every part of the loop's work is timed into the tick it delays (the engine's apply,
its commit, its snapshot piece and its listeners; the bridge's emit and each view's slot behind it; the
window's repaint; the window's own timers, the executions table's hold among them). For the ticks at or above
the p99 stall, ``desktop_split_*`` prints the mean time of each part per long tick, and ``desktop_split_unaccounted``
what none of them covers (Qt's own event handling, the collector, and the machine's other processes taking the
core); ``desktop_total_*`` each part's time over the whole burst.

``--no-snapshot`` runs the burst without the engine's periodic snapshot (it takes about a second on the
loop today; the figures then show the stall the window and the engine's batches cause by themselves).

Headline figure last: ``desktop_stall_p99``.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from bench.bench_blotter import sort_and_filter
from bench.harness import figure, percentile

RATE = 10_000
"""Execution reports per second."""
SECONDS = 10.0
FILLS_PER_ORDER = 4
"""Each order gets an ack and this many partial fills."""
READ_BATCH = 250
"""Reports per batch: about what one 64 KiB socket read holds."""
TICK_MS = 5
P = ParamSpec("P")
R = TypeVar("R")


def main() -> None:
    """Run the burst into the window, print the stalls, then the blotter's sort and filter times."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory() as folder, loop:
        run = loop.run_until_complete(burst(Path(folder), snapshots="--no-snapshot" not in sys.argv[1:]))
    figure("desktop_reports_applied", run.applied, "reports")
    figure("desktop_feed_seconds", run.seconds, "s")
    figure("desktop_bridge_emits", run.emits, "emits")
    figure("desktop_batch_apply_p99", percentile(run.batches, 99), "ms")
    figure("desktop_batch_apply_longest", max(run.batches), "ms")
    figure("desktop_gui_emit_p99", percentile(run.emit_times, 99), "ms")
    figure("desktop_gui_emit_longest", max(run.emit_times), "ms")
    figure("desktop_gui_emit_total", sum(run.emit_times), "ms")
    figure("desktop_stall_longest", max(run.stalls), "ms")
    for part, ms in run.totals.items():
        figure(f"desktop_total_{part}", ms, "ms")
    for part, ms in run.split.items():
        figure(f"desktop_split_{part}", ms, "ticks" if part == "long_ticks" else "ms")
    sort_and_filter()
    figure("desktop_stall_p99", percentile(run.stalls, 99), "ms")


@dataclass
class Burst:
    """What one burst measured."""

    stalls: list[float]
    """How late each heartbeat tick came (ms)."""
    batches: list[float]
    """How long each batch took the engine (ms): the part of a stall spent applying and committing."""
    emits: int
    emit_times: list[float]
    """How long the window's views took over each bridge emit (ms): the GUI's own part of a stall."""
    applied: int
    seconds: float
    """From the first report to the last applied (10 s when the engine keeps up)."""
    split: dict[str, float]
    """The mean time (ms) each part of the loop's work took per long tick (at or above the p99 stall)."""
    totals: dict[str, float]
    """Each part's time (ms) over the whole burst."""


class TickSplit:
    """Times parts of the loop's work into the heartbeat tick they delay."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        """What each part took since the last tick (ms)."""
        self.ticks: list[tuple[float, dict[str, float]]] = []
        """Each tick's lateness and what each part took before it."""

    def timed(self, part: str, run: Callable[P, R]) -> Callable[P, R]:
        """``run``, with its time added to ``part`` of the tick it delays."""

        def timed_run(*args: P.args, **kwargs: P.kwargs) -> R:
            began = time.perf_counter()
            try:
                return run(*args, **kwargs)
            finally:
                self.spent[part] = self.spent.get(part, 0.0) + (time.perf_counter() - began) * 1000

        return timed_run

    def tick(self, lateness: float) -> None:
        """A heartbeat came ``lateness`` ms late: what was timed since counts toward it."""
        self.ticks.append((lateness, self.spent))
        self.spent = {}

    def totals(self) -> dict[str, float]:
        """Each part's time over the whole burst (ms): steadier than the long ticks on a shared machine."""
        totals: dict[str, float] = {}
        for _, parts in self.ticks:
            for name, ms in parts.items():
                totals[name] = totals.get(name, 0.0) + ms
        return dict(sorted(totals.items()))

    def long_ticks(self) -> dict[str, float]:
        """Each part's mean time over the ticks at or above the p99 lateness, and what no part covers."""
        threshold = percentile([late for late, _ in self.ticks], 99)
        slow = [(late, parts) for late, parts in self.ticks if late >= threshold]
        names = sorted({name for _, parts in slow for name in parts})
        split = {name: sum(parts.get(name, 0.0) for _, parts in slow) / len(slow) for name in names}
        outer = [name for name in names if "." not in name]  # "a.b" is a part of "a", already in its time
        split["unaccounted"] = sum(late + TICK_MS - sum(parts.get(n, 0.0) for n in outer) for late, parts in slow)
        split["unaccounted"] /= len(slow)
        split["long_ticks"] = len(slow)
        return split


async def burst(folder: Path, *, snapshots: bool = True) -> Burst:
    """Open the window on a fresh engine with working orders, then feed the reports (with the engine's periodic
    snapshot, unless told not to)."""
    from PySide6.QtCore import QSettings, Qt, QTimer

    from app.engine.clock import SystemClock
    from app.engine.commands import SubmitOrder
    from app.engine.engine import Engine
    from app.ui.main_window import MainWindow
    from tests.support.engine_kit import DESK, TRADER, PassGate, RecordingOutbound, spec
    from tests.support.reports import VenueOrder

    total = int(RATE * SECONDS)
    orders = total // (1 + FILLS_PER_ORDER)
    engine = Engine.open(
        folder / "desk.db", clock=SystemClock(), gate=PassGate(), outbound=RecordingOutbound(), directory=DESK
    )
    if not snapshots:
        engine.snapshot_every = 10 * total
    settings = QSettings(str(folder / "desktop.ini"), QSettings.Format.IniFormat)
    window = MainWindow(engine, ["SIM1"], user=TRADER, settings=settings)
    window.show()
    split = TickSplit()
    time_the_parts(split, engine, window)
    emit_times: list[float] = []
    emit = window.bridge._throttle._flush  # the bench times the views behind each emit

    def timed_emit() -> None:
        began = time.perf_counter()
        emit()
        emit_times.append((time.perf_counter() - began) * 1000)

    window.bridge._throttle._flush = timed_emit
    venues = []
    for _ in range(orders):
        order_id = engine.submit(SubmitOrder(spec(qty=Decimal(100 * FILLS_PER_ORDER)), TRADER)).order_id
        assert order_id is not None
        venues.append(VenueOrder(order_id, 100 * FILLS_PER_ORDER))
    reports = [v.ack() for v in venues]
    for _ in range(FILLS_PER_ORDER):
        reports += [v.fill(100, 10) for v in venues]
    await asyncio.sleep(0.5)  # the window settles
    gc.freeze()  # as python -m app does once its window is up

    lateness: list[float] = []
    last = time.perf_counter()

    def tick() -> None:
        nonlocal last
        now = time.perf_counter()
        lateness.append(max(0.0, (now - last) * 1000 - TICK_MS))
        split.tick(lateness[-1])
        last = now

    heartbeat = QTimer(interval=TICK_MS, timerType=Qt.TimerType.PreciseTimer)
    heartbeat.timeout.connect(tick)
    heartbeat.start()
    split.ticks.clear()
    split.spent.clear()  # the orders' submits before the burst are no tick's
    emit_times.clear()  # nor are their emits (the first put every order in the blotter: hundreds of ms)
    emits_before = window.bridge.emits
    start = time.perf_counter()
    sent = 0
    batches: list[float] = []
    while sent < len(reports):
        due = min(len(reports), int(RATE * (time.perf_counter() - start)))
        if due > sent:
            batch = reports[sent : min(due, sent + READ_BATCH)]
            began = time.perf_counter()
            engine.apply_venue_messages(batch)
            batches.append((time.perf_counter() - began) * 1000)
            sent += len(batch)
            await asyncio.sleep(0)
        else:
            await asyncio.sleep(0.002)
    seconds = time.perf_counter() - start
    await asyncio.sleep(0.5)  # the last coalesced changes reach the screen
    heartbeat.stop()
    emits = window.bridge.emits - emits_before
    window.close()
    engine.close()
    return Burst(lateness, batches, emits, emit_times, sent, seconds, split.long_ticks(), split.totals())


def time_the_parts(split: TickSplit, engine: Any, window: Any) -> None:
    """Have ``split`` time the engine's apply and its parts, the bridge's emit and each view's slot behind it, the
    window's repaints and its timers (by wrapping them: the bench's instruments, not the desktop's)."""
    from PySide6.QtCore import QEvent

    engine.apply_venue_messages = split.timed("engine_apply", engine.apply_venue_messages)
    engine.store._commit = split.timed("engine_apply.commit", engine.store._commit)
    engine._snapshot_a_piece = split.timed("engine_apply.snapshot_piece", engine._snapshot_a_piece)
    engine._publish = split.timed("engine_apply.listeners", engine._publish)
    throttle = window.bridge._throttle
    throttle._flush = split.timed("gui_emit", throttle._flush)
    bridge = window.bridge
    slots = [
        (bridge.ordersChanged, window.blotter.refresh, "gui_emit.blotter"),
        (bridge.ordersChanged, window.allocations.follow_orders, "gui_emit.allocations"),
        (bridge.ordersChanged, window.parents.refresh, "gui_emit.parents"),
        (bridge.ordersChanged, window.price_chart.on_orders, "gui_emit.chart_orders"),
        (bridge.fillsArrived, window.executions.add, "gui_emit.executions"),
        (bridge.fillsArrived, window.price_chart.on_fills, "gui_emit.chart_fills"),
        (bridge.positionsChanged, window.positions.reload, "gui_emit.positions"),
        (window._summary_timer.timeout, window.update_summary, "timer_summary"),
        (window.price_chart._timer.timeout, window.price_chart.redraw_if_shown, "timer_price_chart"),
        (window.pnl_chart._timer.timeout, window.pnl_chart.sample, "timer_pnl_chart"),
        (window.latency_chart._timer.timeout, window.latency_chart.redraw_if_shown, "timer_latency_chart"),
        (window.kill_panel._timer.timeout, window.kill_panel.refresh, "timer_kill_panel"),
        (window.executions._hold.timeout, window.executions._add_waiting, "timer_executions"),
    ]
    for signal, slot, part in slots:
        signal.disconnect(slot)
        signal.connect(split.timed(part, slot))
    handle = window.event
    timed_handle = split.timed("repaint", handle)

    def event(e: QEvent) -> bool:
        return bool(timed_handle(e) if e.type() == QEvent.Type.UpdateRequest else handle(e))

    window.event = event


if __name__ == "__main__":
    main()
