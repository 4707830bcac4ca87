"""What a position's memory and a bust of an old fill cost now that positions let go of older fills.

One account's AAPL position takes ``FILLS`` fills (a buy and a sell order, in batches of 1,000 reports). Printed:
the bytes the engine's position holds (tracemalloc, its fills and totals) beside the same fills held by the
position that kept every fill (``tests.support.kept_fills_position``, the old design) in the same run; the time
of a bust of the first fill through the engine (read back from the log: every execution of the symbol decoded
and re-applied), of a bust of a recent fill, and, as the same-run baseline, the old design's bust of the first fill
(re-trading every fill in memory).

Run: ``.venv/bin/python -m bench.bench_position_bust``
"""

from __future__ import annotations

import pickle
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

from app.engine.commands import SubmitOrder
from app.engine.enums import Side
from app.engine.ids import AccountId, ClOrdId
from app.engine.positions import Position
from bench.harness import figure
from tests.support.engine_kit import TRADER, open_engine, spec
from tests.support.kept_fills_position import KeptFillsPosition
from tests.support.reports import VenueOrder

FILLS = 20_000
"""Fills the position takes before the busts."""


def _size(position: Position | KeptFillsPosition) -> int:
    """Bytes of the position's fills and figures, counted by tracemalloc over a copy made of fresh objects."""
    held = pickle.dumps((position.fills, position.net_qty, position.avg_cost, position.realized_pnl))
    tracemalloc.start()
    copy = pickle.loads(held)
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del copy
    return size


def main(argv: list[str]) -> None:
    """Fill one position, then bust an old and a recent fill; print memory and times."""
    del argv
    with tempfile.TemporaryDirectory(prefix="bench-bust-") as name:
        engine, _ = open_engine(Path(name) / "bust.sqlite3")
        kept = KeptFillsPosition(AccountId("ACC1"), "AAPL")
        venues = {}
        for side in (Side.BUY, Side.SELL):
            cl_ord_id = f"C-{side.name}"
            result = engine.submit(SubmitOrder(spec(side=side, qty=Decimal(10**9)), TRADER, ClOrdId(cl_ord_id)))
            assert result.order_id is not None
            venues[side] = (result.order_id, VenueOrder(cl_ord_id, 10**9))
            engine.apply_venue_messages([venues[side][1].ack()])
        reports = []
        for n in range(FILLS):
            side = Side.BUY if n % 3 else Side.SELL
            order_id, venue = venues[side]
            report = venue.fill(7 + n % 5, Decimal(100 + n % 17) / 4)
            reports.append((side, report))
            kept.add((order_id, report.exec_id), side.sign * report.last_qty, report.last_px)
        for start in range(0, FILLS, 1000):
            engine.apply_venue_messages([report for _, report in reports[start : start + 1000]])
        position = engine.positions.by_key[(AccountId("ACC1"), "AAPL")]
        figure("position_fills_held", len(position.fills), f"fills (of {FILLS:,})")
        figure("position_bytes_kept_every_fill", _size(kept), "bytes (old design, same fills)")
        figure("position_bytes", _size(position), "bytes")

        def bust(index: int) -> float:
            side, report = reports[index]
            started = time.perf_counter()
            engine.apply_venue_messages([venues[side][1].bust(report)])
            return (time.perf_counter() - started) * 1000

        old = [kept]
        started = time.perf_counter()
        old[0].remove((venues[reports[0][0]][0], reports[0][1].exec_id))
        figure("bust_of_first_fill_kept_every_fill", (time.perf_counter() - started) * 1000, "ms (old design)")
        figure("bust_of_recent_fill", bust(FILLS - 2), "ms")
        figure("bust_of_first_fill_read_back_from_log", bust(0), "ms")
        kept.remove((venues[reports[-2][0]][0], reports[-2][1].exec_id))
        assert (position.net_qty, position.avg_cost, position.realized_pnl) == (
            kept.net_qty,
            kept.avg_cost,
            kept.realized_pnl,
        ), "the position read back from the log differs from the one that kept every fill"


if __name__ == "__main__":
    main(sys.argv[1:])
