"""How long the engine's batches wait while a snapshot of a big book is taken, against taking it all at once.

A book of 50,000 orders (each acked and partly filled, over 8 accounts and 8 symbols) is built with durable
writes off. Then, on the durable store (synchronous=FULL):

- ``snapshot_whole_book_at_once``: ``Engine.snapshot()`` of that book with no snapshot before, every piece in
  one go: what a periodic snapshot used to cost the loop each time (it rewrote the whole book);
- batches of 250 execution reports are applied while a periodic snapshot is under way (one piece per batch)
  and with none, and each batch is timed from call to return: the wait the loop sees;
- ``snapshot_after_changes_at_once``: a second snapshot after those batches, all at once: only the changed
  segments and the new fills are written.

Headline: ``snapshot_batch_longest``, the longest batch while a snapshot is under way.
Run: ``.venv/bin/python -m bench.bench_snapshot``.
"""

from __future__ import annotations

import gc
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from app.engine.clock import FakeClock
from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.enums import Side
from app.engine.ids import AccountId, ClOrdId
from app.engine.venue_messages import ExecutionReport
from bench.harness import figure, percentile
from tests.support.engine_kit import DESK, TRADER, PassGate, RecordingOutbound, open_engine, spec
from tests.support.reports import VenueOrder

ORDERS = 50_000
BATCH = 250
SYMBOLS = ("AAPL", "MSFT", "IBM", "ORCL", "INTC", "CSCO", "AMZN", "NVDA")


def build(path: Path) -> list[VenueOrder]:
    """The book, written with durable writes off (building only); the venue side of each order."""
    engine, outbound = open_engine(path, snapshot_every=10**9)
    venue = []
    gc.disable()
    try:
        for n in range(ORDERS):
            order_spec = spec(
                symbol=SYMBOLS[n % 8], side=Side.BUY if n % 3 else Side.SELL, qty=Decimal(1000),
                account=AccountId(f"ACC{n % 8}"), limit_px=Decimal(100 + n % 50) / 4,
            )  # fmt: skip
            engine.submit(SubmitOrder(order_spec, TRADER, ClOrdId(f"S{n:07d}")))
            venue.append(VenueOrder(f"S{n:07d}", 1000))
            outbound.sent.clear()
        reports = [v.ack() for v in venue] + [v.fill(100, 25) for v in venue]
        for i in range(0, len(reports), 1000):
            engine.apply_venue_messages(reports[i : i + 1000])
    finally:
        gc.enable()
    engine.store.close()
    return venue


def timed_batches(engine: Engine, reports: list[ExecutionReport]) -> list[float]:
    """Each batch's time from call to return (ms)."""
    times = []
    for i in range(0, len(reports), BATCH):
        start = time.perf_counter()
        engine.apply_venue_messages(reports[i : i + BATCH])
        times.append((time.perf_counter() - start) * 1000)
    return times


def main(argv: list[str]) -> None:
    """Build the book, take the snapshots, time the batches; print the figures, headline last."""
    with tempfile.TemporaryDirectory(prefix="bench-snapshot-") as folder:
        path = Path(folder) / "book.sqlite3"
        venue = build(path)
        engine = Engine.open(path, clock=FakeClock(), gate=PassGate(), outbound=RecordingOutbound(), directory=DESK)
        engine.snapshot_every = 10**9
        start = time.perf_counter()
        engine.snapshot()
        figure("snapshot_whole_book_at_once", time.perf_counter() - start, "s")
        snap = engine.store.latest_snapshot()
        figure("snapshot_pieces", len(snap.parts) if snap else 0, "pieces")
        quiet = timed_batches(engine, [v.fill(10, 25) for v in venue[:10_000]])
        engine.snapshot_every = 1  # snapshots now follow one another, a piece per batch
        busy = timed_batches(engine, [v.fill(10, 26) for v in venue[10_000:40_000]])
        engine.snapshot_every = 10**9
        engine.snapshot()
        timed_batches(engine, [v.fill(10, 27) for v in venue[:5_000]])
        start = time.perf_counter()
        engine.snapshot()
        figure("snapshot_after_changes_at_once", time.perf_counter() - start, "s (5,000 orders changed)")
        engine.store.close()
    figure("batch_p50_no_snapshot", percentile(quiet, 50), "ms")
    figure("batch_p99_no_snapshot", percentile(quiet, 99), "ms")
    figure("batch_longest_no_snapshot", max(quiet), "ms")
    figure("batch_p50_during_snapshot", percentile(busy, 50), "ms")
    figure("batch_p99_during_snapshot", percentile(busy, 99), "ms")
    figure("snapshot_batch_longest", max(busy), "ms")


if __name__ == "__main__":
    main(sys.argv[1:])
