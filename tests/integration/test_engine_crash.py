"""Kill a child process applying a stream of orders and reports with SIGKILL, again and again; lose nothing.

The child (``crash_child``) applies a seeded stream to a durable store (WAL, synchronous FULL), one engine
transaction per step, beginning a snapshot every few hundred events and writing it a piece per step. The
parent kills it at random points, then reopens the store and checks: the hash chain is intact; the book
holds exactly the steps the child had committed (none it reported is lost, none is applied twice or out of
order); it equals, field for field,
the book of a fresh in-process engine fed the same steps; and start-up from the newest snapshot plus the
log's tail equals a replay of the whole log from event 1. Each restart resumes the stream where the log
ends, so the last round runs it to the end.
"""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.engine import recovery
from app.engine.clock import FakeClock
from app.engine.engine import Engine
from app.engine.enums import OrderStatus
from app.engine.order import LinkOutcome
from app.engine.projections import Projections
from app.engine.store import EventStore
from tests.integration.crash_child import START, Step, apply_step, build_stream, committed_steps, is_committed
from tests.support.engine_kit import DESK, PassGate, RecordingOutbound, open_engine

pytestmark = pytest.mark.slow

SEED = 20260105
KILLS = 10
ROUND_TIMEOUT = 600.0
"""A child that has neither reached its kill point nor finished by then is taken as hung: killed, and the test
fails saying so. Generous, because under heavy load a child can take a long time just to start: the kill
point is a count of committed steps, never a time (a wall-clock cut-off that let the child run on would end the
round without its kill, silently testing less)."""
REPO = Path(__file__).resolve().parents[2]


@dataclass
class _Round:
    """What one run of the child did, as its progress file tells it."""

    started_at: int | None
    reported: int | None
    done: bool
    returncode: int


@dataclass
class _Recovered:
    """What the parent found in the store after a round."""

    committed: int
    last_seq: int
    snapshot_seq: int


class _Reference:
    """A fresh in-process engine fed the same steps, never killed: what the store must hold."""

    def __init__(self, path: Path, steps: list[Step]) -> None:
        self.engine, _ = open_engine(path, id_prefix="OEMS")  # as the child's, to compare ClOrdIDs
        self.steps = steps
        self.applied = 0

    def advance(self, to: int) -> Projections:
        assert to >= self.applied, f"the store went back from step {self.applied} to {to}: committed steps were lost"
        for index in range(self.applied, to):
            apply_step(self.engine, index, self.steps[index])
        self.applied = to
        return self.engine.book


def test_sigkill_at_random_points_loses_nothing_and_doubles_nothing(tmp_path: Path) -> None:
    steps = build_stream(SEED)
    rng = random.Random(SEED)
    kill_points: list[int | None] = [*sorted(rng.sample(range(5, len(steps) - 5), KILLS)), None]
    store = tmp_path / "crash.sqlite3"
    reference = _Reference(tmp_path / "reference.sqlite3", steps)
    committed = 0
    found: list[_Recovered] = []
    for number, kill_at in enumerate(kill_points):
        run = _run_child(tmp_path, number, kill_at, rng)
        recovered = _check_store(store, tmp_path / f"replay-{number}.sqlite3", steps, reference)
        reported = committed if run.reported is None else run.reported
        if run.started_at is not None:
            assert run.started_at == committed, "the child did not resume where the log ended"
        assert reported <= recovered.committed <= reported + 1, (
            f"round {number}: the child reported {reported} steps committed, the store holds {recovered.committed}"
        )
        committed = recovered.committed
        found.append(recovered)
    assert run.done
    assert committed == len(steps)
    assert any(0 < r.snapshot_seq < r.last_seq for r in found), "no restart loaded a snapshot and replayed a tail"
    _check_stream_was_meaningful(reference.engine.book)


def _run_child(tmp_path: Path, number: int, kill_at: int | None, rng: random.Random) -> _Round:
    """Run the child until it reports ``kill_at`` steps committed, then SIGKILL it (None: let it finish)."""
    progress, errors = tmp_path / f"progress-{number}.txt", tmp_path / f"child-{number}.err"
    argv = [sys.executable, "-m", "tests.integration.crash_child", str(tmp_path / "crash.sqlite3"), str(progress)]
    with errors.open("wb") as stderr:
        child = subprocess.Popen([*argv, str(SEED)], cwd=REPO, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        deadline = time.monotonic() + ROUND_TIMEOUT
        while child.poll() is None:
            if kill_at is not None and (_read_progress(progress).reported or -1) >= kill_at:
                time.sleep(rng.uniform(0, 0.004))  # land anywhere in the next step (or snapshot)
                child.send_signal(signal.SIGKILL)
                break
            if time.monotonic() > deadline:
                pytest.fail(f"child {number} neither reached step {kill_at} nor finished in {ROUND_TIMEOUT:.0f} s")
            time.sleep(0.0005)
        returncode = child.wait(timeout=ROUND_TIMEOUT)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    run = _read_progress(progress)
    run.returncode = returncode
    expected = (0, -signal.SIGKILL) if kill_at is not None else (0,)
    assert returncode in expected, f"child {number} failed ({returncode}):\n{errors.read_text()}"
    assert returncode != 0 or run.done, f"child {number} exited without finishing:\n{errors.read_text()}"
    return run


def _read_progress(path: Path) -> _Round:
    """The child's progress so far: only whole lines count (a kill can cut one short)."""
    text = path.read_bytes().decode() if path.exists() else ""
    lines = text.split("\n")[:-1]
    started = next((int(line.split()[1]) for line in lines if line.startswith("start ")), None)
    counts = [int(line) for line in lines if line.isdigit()]
    reported = counts[-1] if counts else started
    return _Round(started, reported, "done" in lines, 0)


def _check_store(path: Path, replay_copy: Path, steps: list[Step], reference: _Reference) -> _Recovered:
    """Reopen the killed store as the app would and compare it with the reference and a full replay."""
    engine = Engine.open(path, clock=FakeClock(START), gate=PassGate(), outbound=RecordingOutbound(), directory=DESK)
    try:
        store = engine.store
        assert store.verify_chain() == store.last_seq
        committed = committed_steps(engine.ledger, steps)
        later = [i for i in range(committed, len(steps)) if is_committed(engine.ledger, steps[i])]
        assert not later, f"steps {later[:5]} are in the book but step {committed} is not"
        snapshot = store.latest_snapshot()
        recovered = _Recovered(committed, store.last_seq, snapshot.last_seq if snapshot else 0)
        assert_same_book(engine.book, reference.advance(committed), "snapshot + tail vs reference")
    finally:
        engine.store.close()  # not engine.close(): that would add a snapshot the child never took
    full = _replay_without_snapshots(path, replay_copy)
    assert_same_book(full, reference.engine.book, "full replay from event 1 vs reference")
    return recovered


def _replay_without_snapshots(path: Path, copy: Path) -> Projections:
    """Copy the store, drop its snapshots, and restore it: a replay of the whole log from event 1."""
    shutil.copyfile(path, copy)
    if Path(f"{path}-wal").exists():
        shutil.copyfile(f"{path}-wal", f"{copy}-wal")
    conn = sqlite3.connect(copy)
    try:
        with conn:
            conn.execute("DELETE FROM snapshots")
    finally:
        conn.close()
    with EventStore.open(copy) as store:
        restored = recovery.restore(store)
    assert restored.snapshot_seq == 0
    return restored.projections


def assert_same_book(got: Projections, want: Projections, what: str) -> None:
    """Every order and position equal, field for field (Decimals compared by their exact text too)."""
    _assert_same(_orders(got), _orders(want), f"{what}: orders")
    _assert_same(_positions(got), _positions(want), f"{what}: positions")
    assert got.ledger.orders == want.ledger.orders, f"{what}: orders differ in some other field"
    assert got.ledger.by_cl_ord_id == want.ledger.by_cl_ord_id, f"{what}: ClOrdID index differs"
    assert (got.ledger.ids_issued, got.ledger.orphan_anomalies) == (
        want.ledger.ids_issued,
        want.ledger.orphan_anomalies,
    )
    assert got.positions.by_key == want.positions.by_key, f"{what}: positions differ in their fills"


def _orders(book: Projections) -> dict[str, tuple[Any, ...]]:
    return {
        o.order_id: (
            o.status,
            o.resume_status,
            o.cl_ord_id,
            str(o.qty),
            str(o.cum_qty),
            str(o.leaves_qty),
            str(o.avg_px),
            str(o.tally_qty),
            tuple(sorted(o.exec_ids)),
            o.anomalies,
        )
        for o in book.ledger
    }


def _positions(book: Projections) -> dict[tuple[str, str], tuple[str, ...]]:
    return {
        key: (str(p.net_qty), str(p.avg_cost), str(p.realized_pnl), str(p.bought_qty), str(p.sold_qty))
        for key, p in book.positions.by_key.items()
    }


def _assert_same(got: Mapping[Any, Any], want: Mapping[Any, Any], what: str) -> None:
    missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
    differ = [(k, got[k], want[k]) for k in sorted(set(got) & set(want)) if got[k] != want[k]]
    assert not missing, f"{what}: missing {missing[:5]}"
    assert not extra, f"{what}: extra {extra[:5]}"
    assert not differ, f"{what}: differ (got, want) {differ[:3]}"


def _check_stream_was_meaningful(book: Projections) -> None:
    """The stream exercised what it claims to (and the venue model matched the engine: no anomalies)."""
    statuses = [o.status for o in book.ledger]
    assert OrderStatus.CANCELED in statuses
    assert OrderStatus.FILLED in statuses
    assert any(o.qty != o.spec.qty for o in book.ledger), "no replace was accepted"
    assert any(f.busted for o in book.ledger for f in o.fills.values()), "no fill was busted"
    assert any(link.outcome is LinkOutcome.REJECTED for o in book.ledger for link in o.chain), "no request was rejected"
    assert sum(o.anomalies for o in book.ledger) == 0
    assert any(p.realized_pnl for p in book.positions.by_key.values())
