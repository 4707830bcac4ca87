"""Measure the event store against raw SQLite on the same disk, in one run, headline last.

Baseline: plain ``sqlite3`` ``executemany`` of rows shaped like the store's (same table, index and
triggers, WAL, exclusive lock, synchronous=FULL) at 1, 100 and 1,000 rows per commit, and sqlite-utils
``insert_all`` of the same rows. Then the store's append+commit rate at the same group sizes (FULL, and
100/tx at NORMAL), ``read()`` streaming and ``verify_chain`` over 1,000,000 events. Each write rate is the best
of three rounds in which every candidate takes a turn, so a neighbour's burst of disk traffic cannot
favour one over another. The headline,
``store_append_grouped``, is 100 events per transaction with synchronous=FULL: the engine's group commit.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack, closing
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


Runner = tuple[int, Callable[[], None]]
"""How many rows one run writes, and the run."""


def raw_runner(conn: sqlite3.Connection, per_tx: int) -> Runner:
    """Bare ``executemany`` into the store's table, committing every ``per_tx`` rows."""
    count = RUN_SIZE[per_tx]
    groups = [_rows(per_tx)] * (count // per_tx)

    def run() -> None:
        for group in groups:
            conn.execute("BEGIN")
            conn.executemany(INSERT, group)
            conn.execute("COMMIT")

    return count, run


def sqlite_utils_runner(conn: sqlite3.Connection, per_tx: int) -> Runner:
    """sqlite-utils ``insert_all`` of the same rows, ``per_tx`` rows per batch."""
    count = RUN_SIZE[per_tx]
    table = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False).table("events")
    records = [dict(zip(COLUMNS, row, strict=True)) for row in _rows(count)]

    def run() -> None:
        table.insert_all(records, batch_size=per_tx)

    return count, run


def store_runner(store: EventStore, per_tx: int, count: int | None = None) -> Runner:
    """``EventStore`` append+commit, ``per_tx`` events per transaction."""
    total = count or RUN_SIZE[per_tx]

    def run() -> None:
        for start in range(0, total, per_tx):
            with store.transaction() as tx:
                for n in range(start, start + per_tx):
                    tx.append("OrderSubmitted", TS, "alice", DATA, f"O-{n // 5}")

    return total, run


def best_interleaved(runners: dict[str, Runner], repeats: int = 3) -> dict[str, float]:
    """Best rate of each runner over ``repeats`` rounds that take turns, so a busy moment hits all alike."""
    best = dict.fromkeys(runners, 0.0)
    for _ in range(repeats):
        for name, (count, run) in runners.items():
            start = time.perf_counter()
            run()
            best[name] = max(best[name], count / (time.perf_counter() - start))
    return best


def read_rates(store: EventStore) -> tuple[float, float]:
    """Events/s of ``read()`` streaming (best of three) and of one ``verify_chain`` over the store."""
    total = store.last_seq

    def stream() -> None:
        for _ in store.read():
            pass

    def verify() -> None:
        store.verify_chain()

    return best_rate(total, stream), best_rate(total, verify, repeats=1)


def measure(folder: Path, stack: ExitStack) -> dict[str, float]:
    """Every figure, by name."""
    runners: dict[str, Runner] = {}
    for per_tx in RUN_SIZE:
        raw = stack.enter_context(closing(_raw_connection(folder / f"raw{per_tx}.db")))
        runners[f"raw_executemany_{per_tx}_per_tx"] = raw_runner(raw, per_tx)
    utils = stack.enter_context(closing(_raw_connection(folder / "utils.db")))
    runners["sqlite_utils_insert_all_1000_per_tx"] = sqlite_utils_runner(utils, 1000)
    stores = {per_tx: stack.enter_context(EventStore.open(folder / f"store{per_tx}.db")) for per_tx in RUN_SIZE}
    for per_tx, store in stores.items():
        runners[f"store_append_{per_tx}_per_tx"] = store_runner(store, per_tx)
    normal = stack.enter_context(EventStore.open(folder / "normal.db", synchronous_full=False))
    runners["store_append_100_per_tx_normal"] = store_runner(normal, 100)
    rates = best_interleaved(runners)
    big = stores[1000]
    store_runner(big, 1000, READ_EVENTS - big.last_seq)[1]()  # fill to 1M events for reading
    rates["store_read_stream_1M"], rates["store_verify_chain_1M"] = read_rates(big)
    return rates


def main() -> None:
    """Run every measurement in a temporary folder, then print the figures, baselines first, headline last."""
    with tempfile.TemporaryDirectory(prefix="bench-store-") as name, ExitStack() as stack:
        rates = measure(Path(name), stack)
    for per_tx in RUN_SIZE:
        figure(f"raw_executemany_{per_tx}_per_tx", rates[f"raw_executemany_{per_tx}_per_tx"], "rows/s")
    figure("sqlite_utils_insert_all_1000_per_tx", rates["sqlite_utils_insert_all_1000_per_tx"], "rows/s")
    for key in ("store_append_1_per_tx", "store_append_1000_per_tx", "store_read_stream_1M", "store_verify_chain_1M"):
        figure(key, rates[key], "events/s")
    figure("store_append_100_per_tx_normal", rates["store_append_100_per_tx_normal"], "events/s")
    grouped = rates["store_append_100_per_tx"]
    figure("store_vs_raw_100_per_tx", grouped / rates["raw_executemany_100_per_tx"], "ratio")
    figure("store_append_grouped", grouped, "events/s")


if __name__ == "__main__":
    main()
