"""Measure start to ready (``Engine.open``: newest snapshot + the log's tail) on a store of 1,000,000 events.

The store is built through the engine: 250,000 limit orders in waves of 1,200, each submitted (its own
transaction), acked and filled in two pieces (batches of 1,200 reports), so 4 events an order; every tenth
order stays partly filled and working. The engine takes its normal automatic snapshots (every
``engine.SNAPSHOT_EVERY`` events here: the waves change far fewer order rows than that; the tail after the newest of
them is printed as ``*_tail_events``). Building uses
synchronous=NORMAL and no garbage collection to go faster (the log's contents are the same; only
durability across power loss differs), and the built stores are cached in ``bench/out/``: delete them or
pass ``--rebuild`` to build again. Starts are timed with both at their normal settings.

Two stores are timed: one as a crash leaves it (no snapshot at close, so a tail of events to
replay after the newest periodic snapshot) and one after a clean ``Engine.close`` (which snapshots, so
nothing to replay). Each start runs in a fresh process; the best of a few is reported with its phases,
then two diagnostics of the snapshot load: the store's query for the newest snapshot, and the unpickling
with the garbage collector off (compare with the snapshot load phase of a normal start).
The headline, ``startup_1m_events``, is the start after a crash: the slower, and the one a desk needs.
Each start also prints its process's CPU time (``*_start_cpu``): on a machine shared with other work it moves
far less than the wall clock, so compare those when the wall figures scatter. ``bench_desktop_start`` times the
desktop's part (window built and painted) on the same store.

Run: ``.venv/bin/python -m bench.bench_startup`` (``--rebuild`` to build the stores again).
"""

from __future__ import annotations

import gc
import json
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from app.engine import snapshot
from app.engine.clock import FakeClock
from app.engine.commands import SubmitOrder
from app.engine.engine import SNAPSHOT_EVERY, Engine
from app.engine.enums import Side
from app.engine.ids import AccountId, ClOrdId
from app.engine.store import EventStore
from bench.harness import figure
from tests.support.engine_kit import DESK, TRADER, PassGate, RecordingOutbound, open_engine, spec
from tests.support.reports import VenueOrder

ORDERS = 250_000
WAVE = 1_200
EVENTS = ORDERS * 4
REPEATS = 2
SYMBOLS = ("AAPL", "MSFT", "IBM", "ORCL", "INTC", "CSCO", "AMZN", "NVDA")
OUT = Path(__file__).resolve().parent / "out"
CRASHED = OUT / "startup-1m-crashed.sqlite3"
CLEAN = OUT / "startup-1m-clean.sqlite3"
STAMP = OUT / "startup-1m.json"
ROOT = Path(__file__).resolve().parents[1]


def _stamp() -> dict[str, int]:
    return {
        "orders": ORDERS,
        "wave": WAVE,
        "events": EVENTS,
        "snapshot_schema": snapshot.SCHEMA_VERSION,
        "snapshot_every": SNAPSHOT_EVERY,
    }


def _wave(engine: Engine, outbound: RecordingOutbound, first: int) -> None:
    """Submit orders ``first`` .. ``first + WAVE - 1``, then ack them and fill each in two pieces."""
    venue = []
    for n in range(first, min(first + WAVE, ORDERS)):
        order_spec = spec(
            symbol=SYMBOLS[n % len(SYMBOLS)],
            side=Side.BUY if n % 3 else Side.SELL,
            qty=Decimal(1000),
            account=AccountId(f"ACC{n % 8}"),
            limit_px=Decimal(100 + n % 50) / 4,
        )
        engine.submit(SubmitOrder(order_spec, TRADER, ClOrdId(f"S{n:07d}")))
        venue.append(VenueOrder(f"S{n:07d}", 1000))
    outbound.sent.clear()
    engine.apply_venue_messages([order.ack() for order in venue])
    engine.apply_venue_messages([order.fill(300 if n % 10 == 0 else 400, 25) for n, order in enumerate(venue)])
    engine.apply_venue_messages([order.fill(300 if n % 10 == 0 else 600, 26) for n, order in enumerate(venue)])


def build() -> None:
    """Build the crashed store through the engine, then a copy of it closed cleanly."""
    OUT.mkdir(exist_ok=True)
    for path in (CRASHED, CLEAN, STAMP):
        path.unlink(missing_ok=True)
    print(f"building {EVENTS:,} events ({ORDERS:,} orders) with synchronous=NORMAL, cached in {OUT} ...", flush=True)
    clock = FakeClock()
    engine, outbound = open_engine(CRASHED, clock=clock, snapshot_every=SNAPSHOT_EVERY)
    start = time.perf_counter()
    gc.disable()  # building only: collections over a growing book of millions of objects triple the build time
    try:
        for first in range(0, ORDERS, WAVE):
            _wave(engine, outbound, first)
            clock.advance(1)
    finally:
        gc.enable()
    seconds = time.perf_counter() - start
    assert engine.store.last_seq == EVENTS, f"built {engine.store.last_seq} events, not {EVENTS}"
    engine.store.close()  # as a crash leaves it: no snapshot at close
    figure("build_events", EVENTS / seconds, "events/s (synchronous=NORMAL, GC off: building, not startup)")
    shutil.copyfile(CRASHED, CLEAN)
    clean = Engine.open(CLEAN, clock=clock, gate=PassGate(), outbound=RecordingOutbound(), directory=DESK)
    clean.close()
    STAMP.write_text(json.dumps(_stamp()))


def _cached() -> bool:
    return CRASHED.exists() and CLEAN.exists() and STAMP.exists() and json.loads(STAMP.read_text()) == _stamp()


def measure_once(path: Path) -> dict[str, float]:
    """Open an engine on ``path`` (in this process) and time it, phase by phase."""
    marks: dict[str, float] = {}
    start, cpu_start = time.perf_counter(), time.process_time()

    def progress(what: str, done: int, total: int) -> None:
        if what.startswith("Replaying") and "replay_start" not in marks:
            marks["replay_start"] = time.perf_counter() - start
            marks["tail_events"] = total
        elif what == "Ready":
            marks["ready"] = time.perf_counter() - start

    engine = Engine.open(
        path, clock=FakeClock(), gate=PassGate(), outbound=RecordingOutbound(), directory=DESK, progress=progress
    )
    marks["total"] = time.perf_counter() - start
    marks["cpu"] = time.process_time() - cpu_start
    marks["orders"] = len(engine.ledger)
    engine.store.close()  # not engine.close(): that would snapshot and change the store being measured
    return marks


def diagnose_once(path: Path) -> dict[str, float]:
    """Where loading the snapshot goes: the store's query for it, and unpickling it with the GC off."""
    with EventStore.open(path, synchronous_full=False) as store:
        start = time.perf_counter()
        snap = store.latest_snapshot()
        query = time.perf_counter() - start
    assert snap is not None
    gc.disable()
    start = time.perf_counter()
    snapshot.load(snap)
    unpickle = time.perf_counter() - start
    gc.enable()
    return {"query": query, "unpickle_gc_off": unpickle}


def _in_child(mode: str, path: Path) -> dict[str, float]:
    argv = [sys.executable, "-m", "bench.bench_startup", mode, str(path)]
    done = subprocess.run(argv, cwd=ROOT, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(path: Path) -> dict[str, float]:
    """The fastest of ``REPEATS`` starts, each in a fresh process (imports not counted)."""
    runs = [_in_child("--measure", path) for _ in range(REPEATS)]
    return min(runs, key=lambda run: run["total"])


def _report(name: str, path: Path) -> float:
    marks = measure(path)
    with EventStore.open(path, synchronous_full=False) as store:
        snap = store.latest_snapshot()
        snap_mb = (len(snap.blob) + sum(map(len, snap.parts.values()))) / 1e6 if snap else 0.0
    figure(f"{name}_snapshot_size", snap_mb, "MB")
    figure(f"{name}_tail_events", marks["tail_events"], "events")
    figure(f"{name}_snapshot_load", marks["replay_start"], "s")
    figure(f"{name}_tail_replay", marks["ready"] - marks["replay_start"], "s")
    figure(f"{name}_start_cpu", marks["cpu"], "s (this process's CPU time: steadier than the wall on a busy machine)")
    figure(f"{name}_start_to_ready", marks["total"], "s")
    return marks["total"]


def main(argv: list[str]) -> None:
    """Build (or reuse) the stores, time each start, print the figures, headline last."""
    if argv[:1] in (["--measure"], ["--diagnose"]):
        once = measure_once if argv[0] == "--measure" else diagnose_once
        print(json.dumps(once(Path(argv[1]))))
        return
    if "--rebuild" in argv or not _cached():
        build()
    else:
        print(f"using the stores cached in {OUT} (--rebuild to build them again)", flush=True)
    figure("store_file_size", CRASHED.stat().st_size / 1e6, "MB")
    _report("startup_clean_close", CLEAN)
    crashed = _report("startup_after_crash", CRASHED)
    parts = _in_child("--diagnose", CLEAN)
    figure("diagnose_snapshot_query", parts["query"], "s (EventStore.latest_snapshot)")
    figure("diagnose_snapshot_unpickle_gc_off", parts["unpickle_gc_off"], "s (snapshot.load with gc disabled)")
    figure("startup_1m_events", crashed, "s")


if __name__ == "__main__":
    main(sys.argv[1:])
