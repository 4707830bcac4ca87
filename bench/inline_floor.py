"""The least a plain execution report can cost in this Python: the engine's essential work, hand-inlined.

bench_engine prints the engine's rate beside this one, measured in the same run on the same reports. For each report
(an ack or a plain fill of a live order): find the order by ClOrdID, skip an ExecID seen before, check CumQty against
the order's quantity and our running tally of fills, work out status and leaves, write the log text (the figures a fill
row holds), chain the hash with the store's own ``chain_hash``, keep the row, update the order, and move the account's
position (net quantity and average cost) for a fill. Every ``per_tx`` reports: one ``executemany`` and a commit into a
fresh store file (the engine's schema, WAL, synchronous=FULL, exclusive lock).

Nothing else: no event objects, no projections beyond that one position, no daily P&L or risk sums, no change set for
the screen, no snapshot. What is left when the engine's structure is taken away, so the gap between the two rates is
what that structure costs, and this rate is as far as a design in plain CPython could go on this machine.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from app.engine.enums import ExecType
from app.engine.store_records import chain_hash
from app.engine.store_schema import GENESIS_HASH, create_store_file
from app.engine.venue_messages import ExecutionReport

ZERO = Decimal(0)
_INSERT = "INSERT INTO events (seq, ts, user, kind, order_id, data, hash) VALUES (?, ?, ?, ?, ?, ?, ?)"


class _Order:
    """An order as the floor keeps it: only what a plain report reads or writes."""

    __slots__ = ("account", "avg", "cum", "exec_ids", "leaves", "order_id", "qty", "sign", "status", "tally")

    def __init__(self, order_id: str, account: str, sign: int, qty: Decimal) -> None:
        self.order_id, self.account, self.sign, self.qty = order_id, account, sign, qty
        self.cum = self.tally = self.avg = ZERO
        self.leaves = qty
        self.status = "A"
        self.exec_ids: set[str] = set()


class _Position:
    """Net quantity and average cost of one account's holding."""

    __slots__ = ("avg", "net")

    def __init__(self) -> None:
        self.net = self.avg = ZERO


def floor_rate(path: Path, orders: Sequence[tuple[str, str, str, int, Decimal]], reports: Sequence[ExecutionReport],
               per_tx: int = 100) -> float:  # fmt: skip
    """Reports/s of the inlined work on ``reports`` for ``orders`` (ClOrdID, order id, account, side sign, quantity),
    committed ``per_tx`` at a time into a new store file at ``path``."""
    book = {cl: _Order(oid, account, sign, qty) for cl, oid, account, sign, qty in orders}
    positions: dict[str, _Position] = {}
    create_store_file(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    ts, user, kind, trade = "2026-11-22T08:00:00.000000+00:00", "system", "ExecutionApplied", ExecType.TRADE
    last, seq, rows = GENESIS_HASH, 0, []
    start = time.perf_counter()
    for n, report in enumerate(reports, 1):
        order = book[report.cl_ord_id]
        exec_id, cum = report.exec_id, report.cum_qty
        if exec_id not in order.exec_ids and cum >= order.cum:
            last_qty, last_px = report.last_qty, report.last_px
            tally = order.tally + last_qty
            if cum == tally and cum <= order.qty:
                filled = cum >= order.qty
                status = "2" if filled else ("1" if report.exec_type is trade else "0")
                leaves = ZERO if filled else order.qty - cum
                oid = order.order_id
                data = (
                    f'[1,"{oid}","{exec_id}","{status}","{last_qty}","{last_px}","{cum}","{leaves}",'
                    f'"{report.avg_px}","{tally}"]'
                )
                seq += 1
                last = chain_hash(last, seq, ts, user, kind, oid, data)
                rows.append((seq, ts, user, kind, oid, data, last))
                order.cum, order.tally, order.leaves, order.avg = cum, tally, leaves, report.avg_px
                order.status = status
                order.exec_ids.add(exec_id)
                if last_qty:
                    position = positions.get(order.account)
                    if position is None:
                        position = positions[order.account] = _Position()
                    qty = order.sign * last_qty
                    net = position.net + qty
                    position.avg = (position.avg * position.net + last_px * qty) / net if net else ZERO
                    position.net = net
        if n % per_tx == 0 or n == len(reports):
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(_INSERT, rows)
            conn.execute("COMMIT")
            rows.clear()
    seconds = time.perf_counter() - start
    conn.close()
    return len(reports) / seconds
