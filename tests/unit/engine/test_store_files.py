"""The store's file: refused when damaged or foreign (and left untouched), locked against a second window."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.engine import store_schema
from app.engine.errors import StoreCorruptError, StoreError, StoreLockedError, StoreVersionError
from app.engine.store import EventStore
from app.engine.store_cli import main

REPO = Path(__file__).resolve().parents[3]
TS = "2026-01-05T14:30:00Z"


def run_python(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, cwd=REPO, timeout=60, check=False
    )


def filled_store(path: Path, count: int = 2000) -> Path:
    with EventStore.open(path) as store, store.transaction() as tx:
        for n in range(count):
            tx.append("Tick", TS, "alice", f'{{"n":{n},"pad":"{"x" * 100}"}}', f"O-{n % 50}")
    return path


def damage(path: Path, how: str) -> None:
    if how == "text file":
        path.write_text("Account,Symbol,Qty\nACC-1,AAPL,100\n")
    elif how == "random bytes":
        path.write_bytes(os.urandom(50_000))
    elif how == "empty file":
        path.write_bytes(b"")
    elif how == "cut mid-page":
        data = filled_store(path).read_bytes()
        path.write_bytes(data[: len(data) // 2 + 100])
    elif how == "cut at a page boundary":
        data = filled_store(path).read_bytes()
        path.write_bytes(data[: 4096 * 3])
    elif how == "another program's database":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE contacts (name TEXT)")
        conn.commit()
        conn.close()
    elif how == "pages overwritten":
        pages = bytearray(filled_store(path).read_bytes())
        pages[4096 * 2 : 4096 * 6] = os.urandom(4096 * 4)
        path.write_bytes(bytes(pages))


KINDS = ["text file", "random bytes", "empty file", "cut mid-page", "cut at a page boundary"]


@pytest.mark.parametrize("how", [*KINDS, "another program's database"])
def test_a_damaged_or_foreign_file_is_refused_and_left_untouched(tmp_path: Path, how: str) -> None:
    path = tmp_path / "events.db"
    damage(path, how)
    before = path.read_bytes()
    with pytest.raises(StoreCorruptError) as caught:
        EventStore.open(path)
    assert str(path) in str(caught.value)
    assert "left untouched" in str(caught.value)
    assert "Restore it from a backup" in str(caught.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.db"]


def check_fully(path: Path) -> None:
    with EventStore.open(path) as store:
        store.check_integrity()
        store.verify_chain()


def test_damaged_pages_surface_as_corrupt_not_as_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    damage(path, "pages overwritten")
    with pytest.raises(StoreCorruptError, match=r"events\.db cannot be used"):
        check_fully(path)


def test_a_new_store_is_not_made_over_an_orphaned_write_ahead_log(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    (tmp_path / "events.db-wal").write_bytes(b"frames of a store that was deleted")
    with pytest.raises(StoreCorruptError, match=r"its write-ahead log events\.db-wal is still there"):
        EventStore.open(path)
    assert not path.exists()


def test_creating_a_store_leaves_no_temporary_files(tmp_path: Path) -> None:
    with EventStore.open(tmp_path / "new" / "events.db"):
        pass
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["events.db"]


def test_a_folder_or_an_unwritable_place_is_a_store_error_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "folder.db").mkdir()
    with pytest.raises(StoreError, match=r"folder\.db cannot be read"):
        EventStore.open(tmp_path / "folder.db")
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(StoreError, match="could not be created"):
        EventStore.open(tmp_path / "file" / "events.db")


def test_a_store_from_a_newer_program_is_refused(tmp_path: Path) -> None:
    path = filled_store(tmp_path / "events.db", 1)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'store_schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreVersionError, match="newer version of OEMS"):
        EventStore.open(path)


def test_the_file_carries_the_oems_application_id(tmp_path: Path) -> None:
    path = filled_store(tmp_path / "events.db", 1)
    assert path.read_bytes()[68:72] == b"OEMS"
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta WHERE key = 'application'").fetchone() == ("oems-desktop event store",)
    conn.close()


OPEN_IN_CHILD = """
import sys
from pathlib import Path
from app.engine.errors import StoreError
from app.engine.store import EventStore
try:
    EventStore.open(Path(sys.argv[1])).close()
except StoreError as exc:
    print(type(exc).__name__, exc)
else:
    print("opened")
"""


def test_a_second_process_cannot_open_a_store_in_use(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    with EventStore.open(path):
        refused = run_python("-c", OPEN_IN_CHILD, str(path)).stdout
    assert refused.startswith("StoreLockedError")
    assert f"{path} is in use by another program (another OEMS window?)" in refused
    assert run_python("-c", OPEN_IN_CHILD, str(path)).stdout.strip() == "opened"


def test_a_second_open_in_the_same_process_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    with EventStore.open(path), pytest.raises(StoreLockedError):
        EventStore.open(path)


def test_verify_command_passes_an_intact_store(tmp_path: Path) -> None:
    path = filled_store(tmp_path / "events.db", 30)
    result = run_python("-m", "app.engine.store", "verify", str(path))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"OK: {path}: 30 events, seqs 1 to 30 without gaps, hash chain intact.\n"


def test_verify_command_says_when_the_store_is_in_use(tmp_path: Path) -> None:
    path = filled_store(tmp_path / "events.db", 3)
    with EventStore.open(path):  # this process holds the exclusive lock; verify runs in another one
        result = run_python("-m", "app.engine.store", "verify", str(path))
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout.startswith(f"NOT CHECKED: {path} is open in another program (an OEMS window?)")
    assert "Close that program and run verify again, or verify a copy" in result.stdout
    assert run_python("-m", "app.engine.store", "verify", str(path)).stdout.startswith("OK: ")


def test_verify_command_fails_a_tampered_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = filled_store(tmp_path / "events.db", 30)
    conn = sqlite3.connect(path)
    conn.executescript("DROP TRIGGER events_no_update; UPDATE events SET user = 'mallory' WHERE seq = 17;")
    conn.close()
    assert main(["verify", str(path)]) == 1
    assert capsys.readouterr().out.startswith(f"FAILED: The event log in {path} is broken at seq 17 ")


@pytest.mark.parametrize("how", ["text file", "cut mid-page"])
def test_verify_command_fails_a_damaged_file_without_a_traceback(tmp_path: Path, how: str) -> None:
    path = tmp_path / "events.db"
    damage(path, how)
    result = run_python("-m", "app.engine.store", "verify", str(path))
    assert result.returncode == 1
    assert result.stdout.startswith(f"FAILED: The event store {path} cannot be used")
    assert "Traceback" not in result.stdout + result.stderr


def test_verify_command_does_not_create_a_missing_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(tmp_path / "nope.db")]) == 1
    assert "does not exist" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


def test_each_store_has_its_own_tag_kept_across_opens_and_given_to_an_older_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = iter(["ABCD", "WXYZ", "QRST"])
    monkeypatch.setattr(store_schema, "new_store_tag", lambda: next(made))
    with EventStore.open(tmp_path / "a.db") as a, EventStore.open(tmp_path / "b.db") as b:
        assert (a.tag, b.tag) == ("ABCD", "WXYZ")
    with EventStore.open(tmp_path / "a.db") as again:
        assert again.tag == "ABCD"
    conn = sqlite3.connect(tmp_path / "a.db", isolation_level=None)
    conn.execute("DELETE FROM meta WHERE key = 'store_tag'")  # as a store made before tags
    conn.close()
    with EventStore.open(tmp_path / "a.db") as older:
        assert older.tag == "QRST"


def test_a_new_store_tag_is_four_characters_nobody_misreads() -> None:
    tags = {store_schema.new_store_tag() for _ in range(50)}
    assert all(len(tag) == 4 and tag == tag.upper() and not set(tag) & set("0O1I") for tag in tags)
    assert len(tags) > 1
