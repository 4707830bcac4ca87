"""Measure the event store against raw SQLite on the same disk, in one run, headline last.

Baseline: plain ``sqlite3`` ``executemany`` of rows shaped like the store's (same table, index and
triggers, WAL, exclusive lock, synchronous=FULL) at 1, 100 and 1,000 rows per commit, and sqlite-utils
``insert_all`` of the same rows. Then the store's append+commit rate at the same group sizes (FULL, and
100/tx at NORMAL), ``read()`` streaming and ``verify_chain`` over 1,000,000 events. Each rate is the best
of three runs, so a neighbour's burst of disk traffic does not decide a figure. The headline,
``store_append_grouped``, is 100 events per transaction with synchronous=FULL: the engine's group commit.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import tempfile
from pathlib import Path

import sqlite_utils

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.engine.store import EventStore
from app.engine.store_schema import create_store_file
from bench.harness import best_rate, figure

TS = "2026-01-05T14:30:00.123456Z"
DATA = (
    '{"account":"ACC-001","cl_ord_id":"C-0000001","order_type":"LIMIT","price":"101.25",'
    '"qty":"100","side":"BUY","symbol":"AAPL","tif":"DAY"}'
)
HASH = hashlib.sha256(b"a comparable hash").hexdigest()
READ_EVENTS = 1_000_000
COLUMNS = ("seq", "ts", "user", "kind", "order_id", "data", "hash")
INSERT = f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)"
# events per measured run, by events per transaction: enough commits to time, few enough for a minute
RUN_SIZE = {1: 500, 100: 50_000, 1000: 100_000}


def _rows(count: int) -> list[tuple[None, str, str, str, str, str, str]]:
    """Rows like the store's; seq None lets SQLite number them, so every run can insert the same list."""
    return [(None, TS, "alice", "OrderSubmitted", f"O-{n // 5}", DATA, HASH) for n in range(count)]


def _raw_connection(path: Path) -> sqlite3.Connection:
    create_store_file(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def raw_executemany_rate(path: Path, per_tx: int) -> float:
    """Rows/s of bare ``executemany`` into the store's table, committing every ``per_tx`` rows."""
    count = RUN_SIZE[per_tx]
    conn = _raw_connection(path)
    groups = [_rows(per_tx)] * (count // per_tx)

    def run() -> None:
        for group in groups:
            conn.execute("BEGIN")
            conn.executemany(INSERT, group)
            conn.execute("COMMIT")

    rate = best_rate(count, run)
    conn.close()
    return rate


def sqlite_utils_rate(path: Path, per_tx: int) -> float:
    """Rows/s of sqlite-utils ``insert_all`` of the same rows, ``per_tx`` rows per batch."""
    count = RUN_SIZE[per_tx]
    conn = _raw_connection(path)
    table = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False).table("events")
    records = [dict(zip(COLUMNS, row, strict=True)) for row in _rows(count)]

    def run() -> None:
        table.insert_all(records, batch_size=per_tx)

    rate = best_rate(count, run)
    conn.close()
    return rate


def append_rate(store: EventStore, per_tx: int, count: int | None = None, repeats: int = 3) -> float:
    """Events/s of ``EventStore`` append+commit, ``per_tx`` events per transaction."""
    count = count or RUN_SIZE[per_tx]

    def run() -> None:
        for start in range(0, count, per_tx):
            with store.transaction() as tx:
                for n in range(start, start + per_tx):
                    tx.append("OrderSubmitted", TS, "alice", DATA, f"O-{n // 5}")

    return best_rate(count, run, repeats)


def fresh_append_rate(path: Path, per_tx: int, *, synchronous_full: bool = True) -> float:
    """``append_rate`` on a new store at ``path``."""
    with EventStore.open(path, synchronous_full=synchronous_full) as store:
        return append_rate(store, per_tx)


def read_rates(store: EventStore) -> tuple[float, float]:
    """Events/s of ``read()`` streaming (best of three) and of one ``verify_chain`` over the store."""
    total = store.last_seq

    def stream() -> None:
        for _ in store.read():
            pass

    def verify() -> None:
        store.verify_chain()

    return best_rate(total, stream), best_rate(total, verify, repeats=1)


def main() -> None:
    """Run every measurement in a temporary folder and print the figures, headline last."""
    with tempfile.TemporaryDirectory(prefix="bench-store-") as name:
        folder = Path(name)
        raw = {per_tx: raw_executemany_rate(folder / f"raw{per_tx}.db", per_tx) for per_tx in RUN_SIZE}
        for per_tx, rate in raw.items():
            figure(f"raw_executemany_{per_tx}_per_tx", rate, "rows/s")
        figure("sqlite_utils_insert_all_1000_per_tx", sqlite_utils_rate(folder / "utils.db", 1000), "rows/s")
        figure("store_append_1_per_tx", fresh_append_rate(folder / "one.db", 1), "events/s")
        with EventStore.open(folder / "big.db") as store:
            figure("store_append_1000_per_tx", append_rate(store, 1000), "events/s")
            append_rate(store, 1000, READ_EVENTS - store.last_seq, repeats=1)  # fill to 1M for reading
            reading, verifying = read_rates(store)
        figure("store_read_stream_1M", reading, "events/s")
        figure("store_verify_chain_1M", verifying, "events/s")
        normal = fresh_append_rate(folder / "normal.db", 100, synchronous_full=False)
        figure("store_append_100_per_tx_normal", normal, "events/s")
        grouped = fresh_append_rate(folder / "grouped.db", 100)
        figure("store_vs_raw_100_per_tx", grouped / raw[100], "ratio")
        figure("store_append_grouped", grouped, "events/s")


if __name__ == "__main__":
    main()
