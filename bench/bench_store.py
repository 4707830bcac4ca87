"""Measure the event store against raw SQLite on the same disk, in one run, headline last.

Baseline: plain ``sqlite3`` ``executemany`` of rows shaped like the store's (same table, index and
triggers, WAL, synchronous=FULL, 1,000 rows per commit), and sqlite-utils ``insert_all`` of the same rows.
Then the store's append+commit rate at 1, 100 and 1,000 events per transaction (FULL, and 100/tx at
NORMAL), ``read()`` streaming and ``verify_chain`` over 1,000,000 events. The headline,
``store_append_grouped``, is 100 events per transaction with synchronous=FULL: the engine's group commit.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.engine.store import EventStore
from app.engine.store_schema import create_store_file
from bench.harness import figure

TS = "2026-01-05T14:30:00.123456Z"
DATA = (
    '{"account":"ACC-001","cl_ord_id":"C-0000001","order_type":"LIMIT","price":"101.25",'
    '"qty":"100","side":"BUY","symbol":"AAPL","tif":"DAY"}'
)
READ_EVENTS = 1_000_000


def _seconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _raw_rows(count: int) -> list[tuple[int, str, str, str, str, str, str]]:
    digest = hashlib.sha256(b"x").hexdigest()
    return [(n, TS, "alice", "OrderSubmitted", f"O-{n // 5}", DATA, digest) for n in range(1, count + 1)]


def _raw_connection(path: Path) -> sqlite3.Connection:
    create_store_file(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def raw_executemany_rate(path: Path, count: int, per_tx: int) -> float:
    """Rows/s of bare executemany into the store's table, committing every ``per_tx`` rows."""
    conn = _raw_connection(path)
    rows = _raw_rows(count)
    sql = "INSERT INTO events (seq, ts, user, kind, order_id, data, hash) VALUES (?, ?, ?, ?, ?, ?, ?)"

    def run() -> None:
        for start in range(0, count, per_tx):
            conn.execute("BEGIN")
            conn.executemany(sql, rows[start : start + per_tx])
            conn.execute("COMMIT")

    rate = count / _seconds(run)
    conn.close()
    return rate


def sqlite_utils_rate(path: Path, count: int, per_tx: int) -> float:
    """Rows/s of sqlite-utils ``insert_all`` of the same rows, ``per_tx`` rows per call."""
    conn = _raw_connection(path)
    db = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
    columns = ("seq", "ts", "user", "kind", "order_id", "data", "hash")
    records = [dict(zip(columns, row, strict=True)) for row in _raw_rows(count)]
    table = db.table("events")
    rate = count / _seconds(lambda: table.insert_all(records, batch_size=per_tx))
    conn.close()
    return rate


def append_rate(path: Path, count: int, per_tx: int, *, synchronous_full: bool = True) -> float:
    """Events/s of ``EventStore`` append+commit, ``per_tx`` events per transaction."""
    with EventStore.open(path, synchronous_full=synchronous_full) as store:

        def run() -> None:
            for start in range(0, count, per_tx):
                with store.transaction() as tx:
                    for n in range(start, min(start + per_tx, count)):
                        tx.append("OrderSubmitted", TS, "alice", DATA, f"O-{n // 5}")

        return count / _seconds(run)


def read_rate(path: Path) -> tuple[float, float]:
    """Events/s of ``read()`` streaming and of ``verify_chain`` over the whole store at ``path``."""
    with EventStore.open(path) as store:
        total = store.last_seq
        read_seconds = _seconds(lambda: sum(1 for _ in store.read()))
        verify_seconds = _seconds(store.verify_chain)
    return total / read_seconds, total / verify_seconds


def main() -> None:
    """Run every measurement in a temporary folder and print the figures, headline last."""
    with tempfile.TemporaryDirectory(prefix="bench-store-") as name:
        folder = Path(name)
        figure("raw_executemany_1000_per_tx", raw_executemany_rate(folder / "r1000.db", 200_000, 1000), "rows/s")
        raw_grouped = raw_executemany_rate(folder / "r100.db", 200_000, 100)
        figure("raw_executemany_100_per_tx", raw_grouped, "rows/s")
        figure("sqlite_utils_insert_all_1000_per_tx", sqlite_utils_rate(folder / "u.db", 100_000, 1000), "rows/s")
        figure("store_append_1_per_tx", append_rate(folder / "one.db", 2_000, 1), "events/s")
        figure("store_append_1000_per_tx", append_rate(folder / "big.db", READ_EVENTS, 1000), "events/s")
        reading, verifying = read_rate(folder / "big.db")
        figure("store_read_stream_1M", reading, "events/s")
        figure("store_verify_chain_1M", verifying, "events/s")
        normal = append_rate(folder / "normal.db", 200_000, 100, synchronous_full=False)
        figure("store_append_100_per_tx_normal", normal, "events/s")
        grouped = append_rate(folder / "grouped.db", 200_000, 100)
        figure("store_vs_raw_100_per_tx", grouped / raw_grouped, "ratio")
        figure("store_append_grouped", grouped, "events/s")


if __name__ == "__main__":
    main()
