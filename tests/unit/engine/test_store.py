"""The event store: appends, reads, transactions, the hash chain, snapshots and outbound FIX messages."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine import store as store_module
from app.engine.errors import ChainBrokenError, DiskFullError, DuplicateOutboundError, StoreError
from app.engine.store import EventStore, Snapshot, StoredEvent, chain_hash
from app.engine.store_schema import GENESIS_HASH

TS = "2026-01-05T14:30:00.000000Z"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EventStore]:
    with EventStore.open(tmp_path / "events.db") as opened:
        yield opened


def append_many(store: EventStore, count: int, order_id: str | None = None, pad: int = 0) -> list[StoredEvent]:
    with store.transaction() as tx:
        return [tx.append("Tick", TS, "alice", f'{{"n":{n},"pad":"{"x" * pad}"}}', order_id) for n in range(count)]


def tamper(path: Path, sql: str) -> None:
    """Change a closed store behind its back, as someone with a SQLite tool could."""
    conn = sqlite3.connect(path)
    conn.executescript(f"DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; {sql}")
    conn.close()


@pytest.mark.parametrize(("full", "level"), [(True, 2), (False, 1)])
def test_the_file_is_opened_in_wal_mode_exclusively(tmp_path: Path, full: bool, level: int) -> None:
    with EventStore.open(tmp_path / "events.db", synchronous_full=full) as store:
        conn = store._require_open()
        pragmas = [
            conn.execute(f"PRAGMA {name}").fetchone()[0] for name in ("journal_mode", "locking_mode", "synchronous")
        ]
    assert pragmas == ["wal", "exclusive", level]


def test_a_new_store_is_empty_and_chains_from_the_genesis_hash(store: EventStore) -> None:
    assert (store.last_seq, store.last_hash) == (0, GENESIS_HASH)
    assert list(store.read()) == []
    assert store.verify_chain() == 0


def test_append_assigns_gapless_seqs_and_chained_hashes_at_once(store: EventStore) -> None:
    with store.transaction() as tx:
        first = tx.append("OrderSubmitted", TS, "alice", '{"qty":"100"}', "O-1")
        second = tx.append("TradingHalted", TS, "system", "{}")
        assert (tx.last_seq, tx.last_hash, tx.pending) == (2, second.hash, 2)
    assert (first.seq, second.seq) == (1, 2)
    assert first.hash == chain_hash(GENESIS_HASH, 1, TS, "alice", "OrderSubmitted", "O-1", '{"qty":"100"}')
    assert second.hash == chain_hash(first.hash, 2, TS, "system", "TradingHalted", None, "{}")
    assert (store.last_seq, store.last_hash) == (2, second.hash)


def test_events_read_back_equal_to_what_append_returned(store: EventStore) -> None:
    written = append_many(store, 10, "O-7")
    read = list(store.read())
    assert read == written
    assert all(type(event) is StoredEvent for event in read)
    with pytest.raises(AttributeError):
        read[0].seq = 99  # type: ignore[misc]


def test_read_streams_across_chunks_from_any_point(store: EventStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "READ_CHUNK", 7)
    append_many(store, 50)
    assert [e.seq for e in store.read()] == list(range(1, 51))
    assert [e.seq for e in store.read(after_seq=14)] == list(range(15, 51))
    assert list(store.read(after_seq=50)) == []


def test_read_order_gives_one_orders_timeline(store: EventStore) -> None:
    with store.transaction() as tx:
        for n in range(6):
            tx.append("Step", TS, "bob", f'{{"n":{n}}}', order_id=f"O-{n % 2}")
    assert [e.seq for e in store.read_order("O-1")] == [2, 4, 6]
    assert store.read_order("O-none") == []
    plan = store._require_open().execute("EXPLAIN QUERY PLAN SELECT * FROM events WHERE order_id = 'x'")
    assert "events_by_order" in str(plan.fetchall())


def test_an_empty_order_id_is_stored_as_none(store: EventStore) -> None:
    with store.transaction() as tx:
        event = tx.append("Note", TS, "alice", "{}", order_id="")
    assert event.order_id is None
    assert next(store.read()).order_id is None


def test_reopening_continues_the_same_chain(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    with EventStore.open(path) as first:
        append_many(first, 3)
        seq, digest = first.last_seq, first.last_hash
    with EventStore.open(path) as second:
        assert (second.last_seq, second.last_hash) == (seq, digest)
        append_many(second, 2)
        assert second.verify_chain() == 5


def fail_midway(store: EventStore) -> None:
    with store.transaction() as tx:
        tx.append("Tick", TS, "alice", "{}")
        tx.add_outbound("S", 1, b"raw", 3)
        raise RuntimeError("boom")


def test_an_exception_inside_a_transaction_keeps_nothing(store: EventStore) -> None:
    append_many(store, 2)
    before = (store.last_seq, store.last_hash)
    with pytest.raises(RuntimeError, match="boom"):
        fail_midway(store)
    assert (store.last_seq, store.last_hash) == before
    assert store.outbound_messages("S", 1, None) == []
    assert [e.seq for e in append_many(store, 1)] == [3]
    assert store.verify_chain() == 3


def test_a_finished_transaction_cannot_be_appended_to(store: EventStore) -> None:
    with store.transaction() as tx:
        tx.append("Tick", TS, "alice", "{}")
    with pytest.raises(StoreError, match="transaction has ended"):
        tx.append("Tick", TS, "alice", "{}")


def test_transactions_do_not_nest(store: EventStore) -> None:
    with store.transaction(), pytest.raises(StoreError, match="do not nest"), store.transaction():
        pass


def test_a_closed_store_says_so(tmp_path: Path) -> None:
    store = EventStore.open(tmp_path / "events.db")
    store.close()
    store.close()
    with pytest.raises(StoreError, match="is closed"):
        list(store.read())


def test_sqlite_refuses_to_change_or_delete_an_event(store: EventStore) -> None:
    append_many(store, 1)
    conn = store._require_open()
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE events SET data = '{}' WHERE seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM events")


def test_verify_chain_names_the_altered_record(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    with EventStore.open(path) as store:
        append_many(store, 10)
    tamper(path, """UPDATE events SET data = '{"n":999,"pad":""}' WHERE seq = 5""")
    with EventStore.open(path) as store, pytest.raises(ChainBrokenError, match=r"broken at seq 5 \(Tick") as caught:
        store.verify_chain()
    assert caught.value.seq == 5


def test_rehashing_an_altered_record_breaks_the_chain_at_the_next_one(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    with EventStore.open(path) as store:
        events = append_many(store, 10)
    forged_data = '{"n":999,"pad":""}'
    forged = chain_hash(events[3].hash, 5, TS, "alice", "Tick", None, forged_data)
    tamper(path, f"UPDATE events SET data = '{forged_data}', hash = '{forged}' WHERE seq = 5")
    with EventStore.open(path) as store, pytest.raises(ChainBrokenError, match="broken at seq 6") as caught:
        store.verify_chain()
    assert caught.value.seq == 6


@pytest.mark.parametrize(
    ("deleted", "message", "seq"),
    [
        ("seq = 4", "broken at seq 4: seq 3 is followed by seq 5; seq 4 was removed", 4),
        ("seq BETWEEN 4 AND 6", "broken at seq 4: .* seqs 4 to 6 were removed", 4),
        ("seq <= 2", "broken at seq 1: it starts at seq 3 instead of 1", 1),
    ],
)
def test_verify_chain_reports_missing_records(tmp_path: Path, deleted: str, message: str, seq: int) -> None:
    path = tmp_path / "events.db"
    with EventStore.open(path) as store:
        append_many(store, 10)
    tamper(path, f"DELETE FROM events WHERE {deleted}")
    with EventStore.open(path) as store, pytest.raises(ChainBrokenError, match=message) as caught:
        store.verify_chain()
    assert caught.value.seq == seq


def test_a_snapshot_exposes_removed_last_records(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    with EventStore.open(path) as store:
        append_many(store, 10)
        store.save_snapshot(1, 10, store.last_hash, TS, b"book")
    tamper(path, "DELETE FROM events WHERE seq > 8")
    message = "broken at seq 9: it ends at seq 8, but a snapshot"
    with EventStore.open(path) as store, pytest.raises(ChainBrokenError, match=message) as caught:
        store.verify_chain()
    assert caught.value.seq == 9


def test_a_snapshot_exposes_a_log_rewritten_with_fresh_hashes(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    with EventStore.open(path) as store:
        events = append_many(store, 6)
        store.save_snapshot(1, 6, store.last_hash, TS, b"book")
    prev, updates = events[1].hash, []
    for event in events[2:]:
        data = event.data.replace('"pad"', '"forged"')
        prev = chain_hash(prev, event.seq, event.ts, event.user, event.kind, None, data)
        updates.append(f"UPDATE events SET data = '{data}', hash = '{prev}' WHERE seq = {event.seq};")
    tamper(path, "".join(updates))
    message = "broken at or before seq 6: it disagrees with the snapshot taken at seq 6"
    with EventStore.open(path) as store, pytest.raises(ChainBrokenError, match=message) as caught:
        store.verify_chain()
    assert caught.value.seq == 6


def test_hash_at_names_an_events_hash(store: EventStore) -> None:
    events = append_many(store, 3)
    assert [store.hash_at(n) for n in range(5)] == [GENESIS_HASH, *(e.hash for e in events), None]


def test_verify_chain_reports_progress(store: EventStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "READ_CHUNK", 10)
    monkeypatch.setattr(store_module, "PROGRESS_EVERY", 25)
    append_many(store, 60)
    calls: list[tuple[int, int]] = []
    assert store.verify_chain(lambda done, total: calls.append((done, total))) == 60
    assert calls == [(30, 60), (50, 60), (60, 60)]


def test_a_full_disk_keeps_nothing_of_the_transaction_and_the_store_goes_on(store: EventStore) -> None:
    append_many(store, 5)
    before = (store.last_seq, store.last_hash)
    conn = store._require_open()
    (pages,) = conn.execute("PRAGMA page_count").fetchone()
    conn.execute(f"PRAGMA max_page_count = {pages}")  # the same SQLITE_FULL a full disk gives
    with pytest.raises(DiskFullError) as caught:
        append_many(store, 2000, pad=200)
    message = str(caught.value)
    assert f"The disk holding {store.path} is full; the last 2000 events were not saved" in message
    assert "up to event 5" in message
    assert (store.last_seq, store.last_hash) == before
    conn.execute("PRAGMA max_page_count = 1073741823")  # space freed
    assert append_many(store, 3)[-1].seq == 8
    assert store.verify_chain() == 8


class _FailingDisk:
    """A connection whose event inserts fail as a disk that stops answering does (SQLITE_IOERR_WRITE)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.in_transaction = False

    def execute(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Cursor:
        cursor = self._conn.execute(sql, params)
        self.in_transaction = self._conn.in_transaction
        return cursor

    def executemany(self, sql: str, rows: object) -> sqlite3.Cursor:
        error = sqlite3.OperationalError("disk I/O error")
        error.sqlite_errorcode = 778  # SQLITE_IOERR_WRITE: primary code 10, not SQLITE_FULL (13)
        raise error


def test_an_io_error_is_a_store_error_in_words_not_a_full_disk(store: EventStore) -> None:
    append_many(store, 5)
    real = store._require_open()
    store._conn = _FailingDisk(real)  # type: ignore[assignment]  # the one seam where SQLite fails
    with pytest.raises(StoreError) as caught:
        append_many(store, 2)
    store._conn = real
    assert not isinstance(caught.value, DiskFullError)
    message = str(caught.value)
    assert f"The event store {store.path} could not be read or written" in message
    assert "input/output error (SQLite: 'disk I/O error')" in message
    assert "the last 2 events were not saved; everything up to event 5 is safely stored" in message
    assert not real.in_transaction
    assert append_many(store, 1)[0].seq == 6


def test_snapshots_keep_the_newest_few(store: EventStore) -> None:
    assert store.latest_snapshot() is None
    for n in range(5):
        event = append_many(store, 1)[0]
        store.save_snapshot(2, event.seq, event.hash, TS, f"state {n}".encode())
    latest = store.latest_snapshot()
    assert latest == Snapshot(2, 5, store.last_hash, TS, b"state 4")
    kept = store._require_open().execute("SELECT last_seq FROM snapshots ORDER BY last_seq").fetchall()
    assert [row[0] for row in kept] == [3, 4, 5]


def test_a_snapshot_of_the_empty_log_chains_from_genesis(store: EventStore) -> None:
    store.save_snapshot(1, 0, GENESIS_HASH, TS, b"")
    assert store.latest_snapshot() == Snapshot(1, 0, GENESIS_HASH, TS, b"")


def test_a_snapshot_must_name_a_committed_event_and_its_hash(store: EventStore) -> None:
    append_many(store, 2)
    with pytest.raises(ValueError, match="outside the log"):
        store.save_snapshot(1, 3, store.last_hash, TS, b"")
    with pytest.raises(ValueError, match="that event's is"):
        store.save_snapshot(1, 1, store.last_hash, TS, b"")
    with store.transaction(), pytest.raises(StoreError, match="Finish the open transaction"):
        store.save_snapshot(1, 2, store.last_hash, TS, b"")


def test_outbound_messages_commit_with_their_events_and_serve_a_resend(store: EventStore) -> None:
    with store.transaction() as tx:
        for n in range(1, 6):
            event = tx.append("OrderSubmitted", TS, "alice", "{}", f"O-{n}")
            tx.add_outbound("BROKER-A", n, f"msg {n}".encode(), event.seq)
        tx.add_outbound("BROKER-B", 1, b"other")
    assert store.outbound_messages("BROKER-A", 2, 4) == [(2, b"msg 2"), (3, b"msg 3"), (4, b"msg 4")]
    assert [seq for seq, _ in store.outbound_messages("BROKER-A", 4, None)] == [4, 5]
    assert [seq for seq, _ in store.outbound_messages("BROKER-A", 4, 0)] == [4, 5]
    assert (store.last_outbound_seq("BROKER-A"), store.last_outbound_seq("NONE")) == (5, 0)
    assert store.has_outbound("BROKER-B", 1)


def test_an_outbound_sequence_number_is_never_reused(store: EventStore) -> None:
    with store.transaction() as tx:
        tx.add_outbound("S", 1, b"one")
        with pytest.raises(DuplicateOutboundError, match=r"session S already has .* MsgSeqNum 1"):
            tx.add_outbound("S", 1, b"again")
    with pytest.raises(DuplicateOutboundError), store.transaction() as tx:
        tx.add_outbound("S", 1, b"later")
    assert store.outbound_messages("S", 1, None) == [(1, b"one")]


def test_an_outbound_message_cannot_name_a_future_event(store: EventStore) -> None:
    with pytest.raises(ValueError, match="event seq 1, which does not exist"), store.transaction() as tx:
        tx.add_outbound("S", 1, b"raw", event_seq=1)


def test_the_hash_text_cannot_be_shifted_between_fields() -> None:
    args = (GENESIS_HASH, 1, TS, "alice", "Kind")
    assert chain_hash(*args, "a|1:b", "") != chain_hash(*args, "a", "1:b")
    assert chain_hash(GENESIS_HASH, 1, TS, "al", "iceKind", None, "{}") != chain_hash(*args, None, "{}")


fields = st.tuples(st.text(max_size=8), st.text(max_size=8), st.text(max_size=8), st.text(max_size=8))


@given(fields, fields)
def test_different_records_never_hash_alike(a: tuple[str, str, str, str], b: tuple[str, str, str, str]) -> None:
    def digest(f: tuple[str, str, str, str]) -> str:
        return chain_hash(GENESIS_HASH, 1, f[0], f[1], f[2], f[3] or None, "{}")

    assert (digest(a) == digest(b)) == (a == b)


@settings(max_examples=40)
@given(st.lists(st.tuples(st.text(), st.text(), st.text(), st.none() | st.text(min_size=1), st.text())))
def test_any_text_round_trips_and_verifies(records: list[tuple[str, str, str, str | None, str]]) -> None:
    with (
        tempfile.TemporaryDirectory() as folder,
        EventStore.open(Path(folder) / "p.db", synchronous_full=False) as store,
    ):
        with store.transaction() as tx:
            written = [tx.append(kind, ts, user, data, oid) for kind, ts, user, oid, data in records]
        assert list(store.read()) == written
        assert store.verify_chain() == len(records)


def test_a_snapshot_commits_without_waiting_for_the_disk_and_events_still_do(tmp_path: Path) -> None:
    with EventStore.open(tmp_path / "s.sqlite3") as store:
        conn = store._require_open()
        with store.transaction() as tx:
            tx.append("Kind", TS, "alice", "{}")
        seen: list[int] = []

        def at_commit(sql: str) -> None:
            if sql == "COMMIT":
                seen.append(conn.execute("PRAGMA synchronous").fetchone()[0])

        conn.set_trace_callback(at_commit)
        part = store.save_snapshot_part(b"piece")
        store.save_snapshot(1, 1, store.last_hash, TS, b"head", [part])
        conn.set_trace_callback(None)
        assert seen == [1, 1]  # NORMAL: a snapshot only speeds up the next start
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL again for the events
        with pytest.raises(ValueError, match="outside the log"):
            store.save_snapshot(1, 5, store.last_hash, TS, b"head")
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2
