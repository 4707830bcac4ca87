"""Measure events applied and committed per second through the engine's group commit, in one run.

Baseline: bare ``sqlite3`` ``executemany`` of the engine's own event rows (copied from the store this run
writes) into a fresh store file: same table, index and triggers, WAL, synchronous=FULL, exclusive lock,
100 rows per commit. Then ``Engine.apply_venue_messages`` on a durable store (synchronous=FULL), fed
batches of 100 and of 1,000 execution reports (an ack, then two partial fills, for each of 10,000 live
orders; the reports are built before the clock starts), with each rate's ratio to the baseline; every rate
is the best of three runs on fresh stores. Then the memory one live order costs (50,000 orders, each acked
and partly filled): the book's Python objects (tracemalloc over the book rebuilt from its snapshot) and the
process's RSS growth while building it.
The headline, ``engine_events_committed``, is the 100-report batches on the durable store. Beside it, where
that run's CPU went per event (``time.process_time``, so a loaded machine's waits do not count): the SQLite
commit, the periodic snapshot's pieces, and the rest (deciding, serializing, hashing, applying).

Beside those, the floor (``bench/inline_floor.py``): the same reports through the essential work of a plain report
hand-inlined, with no engine structure at all, committed 100 at a time; the engine's rate over it says what the
engine's structure costs. The collector is paced as the desktop paces it (``collector.pace``).

Run: ``.venv/bin/python -m bench.bench_engine`` (``--profile`` prints cProfile's top 10 functions for
each batch size; the rates it prints are then slowed by the profiler).
"""

from __future__ import annotations

import cProfile
import gc
import os
import pstats
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from app.engine import collector, snapshot
from app.engine.clock import FakeClock
from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.enums import SIDE_SIGNS, Side
from app.engine.ids import AccountId, ClOrdId, OrderId
from app.engine.store import EventStore, Transaction
from app.engine.store_schema import create_store_file
from app.engine.venue_messages import ExecutionReport
from bench.harness import figure
from bench.inline_floor import floor_rate
from tests.support.engine_kit import DESK, TRADER, PassGate, RecordingOutbound, open_engine, spec
from tests.support.reports import VenueOrder

LIVE_ORDERS = 10_000
"""Orders working while reports arrive (throughput runs)."""
MEMORY_ORDERS = 50_000
"""Orders held live for the memory figure."""
BASELINE_PER_TX = 100
REPEATS = 3
"""Each rate is the best of this many runs, each on a fresh store (the machine is shared and noisy)."""
REPORTS = 3 * LIVE_ORDERS
"""An ack and two fills per live order: the events a throughput run commits."""
SYMBOLS = ("AAPL", "MSFT", "IBM", "ORCL", "INTC", "CSCO", "AMZN", "NVDA")

_Row = tuple[int, str, str, str, str | None, str, str]


def _submit_orders(engine: Engine, outbound: RecordingOutbound, count: int, prefix: str) -> list[VenueOrder]:
    """Submit ``count`` limit orders of 1,000 over a few symbols and accounts; their venue sides."""
    venue = []
    for n in range(count):
        order_spec = spec(
            symbol=SYMBOLS[n % len(SYMBOLS)],
            side=Side.BUY if n % 3 else Side.SELL,
            qty=Decimal(1000),
            account=AccountId(f"ACC{n % 4}"),
            limit_px=Decimal(100 + n % 50) / 4,
        )
        cl_ord_id = f"{prefix}{n:07d}"
        engine.submit(SubmitOrder(order_spec, TRADER, ClOrdId(cl_ord_id)))
        venue.append(VenueOrder(cl_ord_id, 1000))
        outbound.sent.clear()
    return venue


def _reports(venue: Sequence[VenueOrder], fills: int) -> list[ExecutionReport]:
    """An ack for every order, then ``fills`` rounds of a 100-lot partial fill for every order."""
    reports = [order.ack() for order in venue]
    for round_ in range(fills):
        reports += [order.fill(100, Decimal(25) + Decimal(round_) / 100) for order in venue]
    return reports


class _CpuSplit:
    """CPU seconds spent committing and writing snapshot pieces (the rest of a run's CPU is the engine's apply)."""

    def __init__(self) -> None:
        self.commit = 0.0
        self.snapshot = 0.0
        self.commit_wall = 0.0
        """Wall seconds in commits (SQLite's work and fsync)."""


class _TimedStore(EventStore):
    """The store, timing the CPU of each commit."""

    split = _CpuSplit()

    def _commit(self, tx: Transaction) -> None:
        began, wall = time.process_time(), time.perf_counter()
        try:
            super()._commit(tx)
        finally:
            self.split.commit += time.process_time() - began
            self.split.commit_wall += time.perf_counter() - wall


class _TimedEngine(Engine):
    """The engine, timing the CPU of each batch's snapshot piece."""

    def _snapshot_a_piece(self, changed: set[OrderId]) -> None:
        began = time.process_time()
        try:
            super()._snapshot_a_piece(changed)
        finally:
            _TimedStore.split.snapshot += time.process_time() - began


def engine_rate(path: Path, per_batch: int, profile: bool) -> tuple[float, list[float]]:
    """Events/s applied and committed by ``apply_venue_messages`` in batches of ``per_batch`` (durable), and the
    CPU µs per event spent applying, committing and writing snapshot pieces, and the wall µs per event in commits."""
    setup, outbound = open_engine(path)  # orders are put in place with durable writes off ...
    venue = _submit_orders(setup, outbound, LIVE_ORDERS, f"B{per_batch}-")
    setup.store.close()
    reports = _reports(venue, fills=2)
    engine = _TimedEngine(_TimedStore.open(path), FakeClock(), PassGate(), RecordingOutbound(), directory=DESK)
    engine.reload()  # ... then FULL
    batches = [reports[i : i + per_batch] for i in range(0, len(reports), per_batch)]
    first = engine.store.last_seq
    profiler = cProfile.Profile() if profile else None
    split = _TimedStore.split = _CpuSplit()
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    for batch in batches:
        engine.apply_venue_messages(batch)
    if profiler:
        profiler.disable()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    events = engine.store.last_seq - first
    engine.store.close()
    if profiler:
        print(f"--- cProfile, batches of {per_batch} (top 10 by own time) ---")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(10)
    per_event = [cpu - split.commit - split.snapshot, split.commit, split.snapshot, split.commit_wall]
    return events / seconds, [part / events * 1e6 for part in per_event]


def inline_floor_rate(folder: Path, repeat: int) -> float:
    """Reports/s of ``inline_floor.floor_rate`` on the throughput runs' orders and reports (one run, fresh store)."""
    engine, outbound = open_engine(folder / f"floor-orders-{repeat}.sqlite3")
    venue = _submit_orders(engine, outbound, LIVE_ORDERS, f"F{repeat}-")
    orders = []
    for order in venue:
        held = engine.ledger.find(order.cl_ord_id)
        assert held is not None
        orders.append((order.cl_ord_id, held.order_id, held.spec.account, SIDE_SIGNS[held.spec.side], held.qty))
    engine.store.close()
    reports = _reports(venue, fills=2)
    gc.collect()
    return floor_rate(folder / f"floor-{repeat}.sqlite3", orders, reports)


def raw_rate(source: Path, path: Path, per_tx: int = BASELINE_PER_TX) -> float:
    """Rows/s of bare executemany of the rows in ``source``'s log into a fresh store file, WAL + FULL."""
    with EventStore.open(source, synchronous_full=False) as store:
        rows: list[_Row] = [(e.seq, e.ts, e.user, e.kind, e.order_id, e.data, e.hash) for e in store.read()]
    create_store_file(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    sql = "INSERT INTO events (seq, ts, user, kind, order_id, data, hash) VALUES (?, ?, ?, ?, ?, ?, ?)"
    start = time.perf_counter()
    for i in range(0, len(rows), per_tx):
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(sql, rows[i : i + per_tx])
        conn.execute("COMMIT")
    seconds = time.perf_counter() - start
    conn.close()
    return len(rows) / seconds


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def memory_per_order(folder: Path) -> tuple[float, float]:
    """Bytes per live order: the book's Python objects (tracemalloc), and RSS growth while building it."""
    gc.collect()
    rss_before = _rss_bytes()
    engine, outbound = open_engine(folder / "memory.sqlite3")
    venue = _submit_orders(engine, outbound, MEMORY_ORDERS, "M")
    reports = [order.ack() for order in venue] + [order.fill(100, 25) for order in venue]
    for i in range(0, len(reports), 1000):
        engine.apply_venue_messages(reports[i : i + 1000])
    del reports, venue
    gc.collect()
    rss_growth = _rss_bytes() - rss_before
    engine.snapshot()
    snap = engine.store.latest_snapshot()
    engine.store.close()
    del engine
    gc.collect()
    assert snap is not None
    tracemalloc.start()
    loaded = snapshot.load(snap)
    traced, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    live = sum(1 for order in loaded.projections.ledger if order.status.is_live) if loaded else 0
    assert live == MEMORY_ORDERS, f"expected {MEMORY_ORDERS} live orders, found {live}"
    return traced / MEMORY_ORDERS, rss_growth / MEMORY_ORDERS


def main(argv: list[str]) -> None:
    """Run every measurement in a temporary folder and print the figures, headline last."""
    profile = "--profile" in argv
    collector.pace()  # as the desktop runs
    if profile:
        print("(profiling: every rate below is slowed by cProfile)", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as name:
        folder = Path(name)
        rates: dict[int, list[tuple[float, list[float]]]] = {100: [], 1000: []}
        floors = []
        for repeat in range(1 if profile else REPEATS):
            for per_batch, runs in rates.items():
                runs.append(engine_rate(folder / f"engine-{per_batch}-{repeat}.sqlite3", per_batch, profile))
            floors.append(inline_floor_rate(folder, repeat))
        (grouped, split), (big, _) = max(rates[100]), max(rates[1000])
        raw = max(raw_rate(folder / "engine-100-0.sqlite3", folder / f"raw-{n}.sqlite3") for n in range(REPEATS))
        figure("raw_executemany_100_per_tx", raw, "rows/s")
        figure("engine_events_committed_1000_per_batch", big, "events/s")
        figure("engine_vs_raw_1000_per_batch", big / raw, "ratio")
        figure("engine_vs_raw_100_per_batch", grouped / raw, "ratio")
        figure("inline_floor_100_per_tx", max(floors), "events/s")
        figure("engine_vs_inline_floor_100_per_batch", grouped / max(floors), "ratio")
        for name, part in zip(("apply", "commit", "snapshot_pieces"), split, strict=False):
            figure(f"engine_cpu_per_event_{name}", part, "us (100 per batch)")
        wall = 1e6 / grouped
        figure("engine_commit_wall_share", split[3] / wall * 100, "% of wall (100 per batch)")
        book_bytes, rss_bytes = memory_per_order(folder)
        figure("memory_per_live_order_book", book_bytes, "bytes")
        figure("memory_per_live_order_rss", rss_bytes, "bytes")
        figure("engine_events_committed", grouped, "events/s")


if __name__ == "__main__":
    main(sys.argv[1:])
