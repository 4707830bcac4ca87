"""The store's FIX session and credential tables: sequence state per epoch, received messages, password hashes,
the index of sent messages by event, and the upgrades from layouts 1 and 2."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.engine.store import Credential, EventStore, SessionRecord
from app.engine.store_schema import STORE_SCHEMA_VERSION


def test_a_session_record_is_saved_with_its_messages_and_the_newest_epoch_wins(tmp_path: Path) -> None:
    with EventStore.open(tmp_path / "s.db") as store:
        assert store.session_record("SIMA") is None
        with store.transaction() as tx:
            tx.save_session(SessionRecord("SIMA", 1, "2026-11-21T08:00:00+00:00", 1))
            tx.add_outbound("SIMA:1", 1, b"logon")
            tx.save_session(SessionRecord("SIMA", 1, "2026-11-21T08:00:00+00:00", 7))
        with store.transaction() as tx:
            tx.save_session(SessionRecord("SIMA", 2, "2026-11-22T08:00:00+00:00", 1))
    with EventStore.open(tmp_path / "s.db") as store:
        record = store.session_record("SIMA")
        assert record == SessionRecord("SIMA", 2, "2026-11-22T08:00:00+00:00", 1)
        assert record is not None
        assert record.key == "SIMA:2"
        assert store.last_outbound_seq("SIMA:1") == 1
        assert store.last_outbound_seq("SIMA:2") == 0


def test_received_messages_are_found_by_clordid_and_cannot_be_altered(tmp_path: Path) -> None:
    with EventStore.open(tmp_path / "s.db") as store:
        with store.transaction() as tx:
            tx.add_inbound("SIMA:1", 5, "2026-11-21T08:00:01+00:00", b"fill-1", "C-1")
            tx.add_inbound("SIMA:1", 6, "2026-11-21T08:00:02+00:00", b"other", "C-9")
            tx.add_inbound("SIMA:1", 7, "2026-11-21T08:00:03+00:00", b"fill-2", "C-2")
            tx.add_outbound("SIMA:1", 1, b"order")
        found = store.inbound_messages(["C-1", "C-2"])
        assert [(seq, raw) for _, seq, _, raw in found] == [(5, b"fill-1"), (7, b"fill-2")]
    conn = sqlite3.connect(tmp_path / "s.db")
    try:
        for sql in ("UPDATE inbound SET raw = x'00'", "DELETE FROM outbound", "DELETE FROM inbound"):
            with pytest.raises(sqlite3.IntegrityError, match="kept as they"):
                conn.execute(sql)
    finally:
        conn.close()


def test_a_layout_1_store_is_upgraded_in_place_keeping_its_events(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with EventStore.open(path) as store, store.transaction() as tx:
        tx.append("Note", "2026-11-21T08:00:00+00:00", "u", "{}")
        tx.add_outbound("SIMA", 1, b"order")
    conn = sqlite3.connect(path, isolation_level=None)
    for trigger in ("inbound_no_update", "inbound_no_delete", "outbound_no_update", "outbound_no_delete"):
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute("DROP TABLE inbound")
    conn.execute("DROP TABLE fix_sessions")
    conn.execute("DROP TABLE credentials")
    conn.execute("DROP INDEX outbound_by_event")
    conn.execute("DROP TABLE snapshot_part_uses")
    conn.execute("DROP TABLE snapshot_parts")
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'store_schema_version'")
    conn.execute("PRAGMA user_version = 1")
    conn.close()

    with EventStore.open(path) as store:
        assert store.last_seq == 1
        assert store.verify_chain() == 1
        assert store.outbound_messages("SIMA", 1, None) == [(1, b"order")]
        with store.transaction() as tx:
            tx.save_session(SessionRecord("SIMA", 1, "2026-11-21T08:00:00+00:00", 3))
        assert store.session_record("SIMA") is not None
        assert store.outbound_for_events([1]) == []
    conn = sqlite3.connect(path)
    try:
        (version,) = conn.execute("SELECT value FROM meta WHERE key = 'store_schema_version'").fetchone()
        assert int(version) == STORE_SCHEMA_VERSION
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("DELETE FROM outbound")
    finally:
        conn.close()


def test_a_layout_2_store_gains_the_credentials_table(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with EventStore.open(path) as store, store.transaction() as tx:
        tx.append("Note", "2026-11-21T08:00:00+00:00", "u", "{}")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TABLE credentials")
    conn.execute("DROP INDEX outbound_by_event")
    conn.execute("DROP TABLE snapshot_part_uses")
    conn.execute("DROP TABLE snapshot_parts")
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'store_schema_version'")
    conn.close()

    with EventStore.open(path) as store:
        assert store.credential("ann") is None
        with store.transaction() as tx:
            tx.append("PasswordChanged", "2026-11-21T08:00:01+00:00", "boss", '{"user_id":"ann"}')
            tx.save_credential(Credential("ann", "scrypt", 16, 8, 1, b"salt", b"digest"))
    with EventStore.open(path) as store:
        assert store.verify_chain() == 2
        assert store.credential("ann") == Credential("ann", "scrypt", 16, 8, 1, b"salt", b"digest")


def test_a_password_hash_is_saved_only_with_the_event_that_records_it(tmp_path: Path) -> None:
    with (
        EventStore.open(tmp_path / "s.db") as store,
        store.transaction() as tx,
        pytest.raises(ValueError, match="only with the event"),
    ):
        tx.save_credential(Credential("ann", "scrypt", 16, 8, 1, b"salt", b"digest"))


def test_sent_messages_are_found_by_the_event_they_went_with_and_events_by_kind(tmp_path: Path) -> None:
    with EventStore.open(tmp_path / "s.db") as store:
        with store.transaction() as tx:
            for n in range(1, 6):
                tx.append("Fill" if n % 2 else "Note", f"2026-11-21T08:00:0{n}+00:00", "u", "{}", f"O-{n}")
            tx.add_outbound("SIMA:1", 1, b"new-1", 1)
            tx.add_outbound("SIMA:1", 2, b"heartbeat")
            tx.add_outbound("SIMB:1", 1, b"new-3", 3)
        assert store.outbound_for_events([3, 1]) == [("SIMA:1", 1, 1, b"new-1"), ("SIMB:1", 1, 3, b"new-3")]
        assert [e.seq for e in store.read_kind("Fill", 2, 5)] == [3, 5]
        assert (store.ts_at(4), store.ts_at(9)) == ("2026-11-21T08:00:04+00:00", None)
