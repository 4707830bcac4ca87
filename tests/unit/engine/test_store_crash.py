"""A process killed mid-write loses only whole, uncommitted transactions: the log stays a verified prefix."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.engine.store import EventStore, StoredEvent

REPO = Path(__file__).resolve().parents[3]
KILLS = 6

WRITER = """
import json, sys
from pathlib import Path
from app.engine.store import EventStore

store = EventStore.open(Path(sys.argv[1]))
tail = list(store.read(max(0, store.last_seq - 1)))
batch = json.loads(tail[0].data)["batch"] + 1 if tail else 0
print("ready", flush=True)
while True:
    size = 1 + batch % 40
    with store.transaction() as tx:
        for i in range(size):
            data = json.dumps({"batch": batch, "i": i, "size": size, "pad": "x" * (batch % 300)})
            event = tx.append("Tick", "2026-01-05T14:30:00Z", "writer", data, order_id=f"B{batch}")
        tx.add_outbound("S", batch + 1, f"message {batch}".encode(), event.seq)
    batch += 1
"""


def kill_writer_at_random(path: Path, rng: random.Random) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True, env=env, cwd=REPO
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.05, 0.6))
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        if child.stdout is not None:
            child.stdout.close()


def assert_whole_batches(events: list[StoredEvent]) -> int:
    """Every batch is complete and in order; return how many there are."""
    expected_batch, expected_i = 0, 0
    for event in events:
        record = json.loads(event.data)
        assert (record["batch"], record["i"]) == (expected_batch, expected_i), f"at seq {event.seq}"
        expected_i += 1
        if expected_i == record["size"]:
            expected_batch, expected_i = expected_batch + 1, 0
    assert expected_i == 0, "the last batch is incomplete"
    return expected_batch


@pytest.mark.slow
def test_killed_writers_leave_a_gapless_verified_log_of_whole_batches(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    rng = random.Random(20260105)
    counts = []
    for _ in range(KILLS):
        kill_writer_at_random(path, rng)
        with EventStore.open(path) as store:
            assert store.verify_chain() == store.last_seq
            batches = assert_whole_batches(list(store.read()))
            assert store.last_outbound_seq("S") == batches
            counts.append(store.last_seq)
    assert counts == sorted(counts)
    assert counts[-1] > counts[0] > 0
