"""The README's run command, end to end: the desktop process starts (as the demo profile's demo-trader),
connects to every simulated venue, and closes cleanly, leaving its sessions' logons and its log-in on disk."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from app.engine.fix.config import default_config_path
from app.engine.store import EventStore


def _config(tmp_path: Path) -> Path:
    """The shipped sessions file with every port 0: the embedded simulator listens where the system says is free
    (probing for free ports and binding them later raced with other connections)."""
    text = re.sub(r"port = \d+", "port = 0", default_config_path().read_text())
    config = tmp_path / "sessions.toml"
    config.write_text(text)
    return config


def test_the_desktop_starts_trades_nothing_and_closes_cleanly(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    args = ["--demo", "--config", str(_config(tmp_path)), "--data-dir", str(tmp_path / "data"), "--quit-after", "2"]
    done = subprocess.run(
        [sys.executable, "-m", "app", *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, (done.returncode, done.stderr, done.stdout)
    with EventStore.open(tmp_path / "data" / "events.db") as store:
        for venue in ("SIMA", "SIMB", "SIMC"):
            record = store.session_record(venue)
            assert record is not None
            assert record.next_in_seq >= 2  # the venue's Logon reply was received
            (first,) = store.outbound_messages(record.key, 1, 1)
            assert b"\x0135=A\x01" in first[1]
        kinds = [(e.kind, e.user) for e in store.read()]
    assert ("LimitChanged", "system") in kinds  # the first start loads the shipped limits, as the system
    assert ("SessionAlertRaised", "system") in kinds  # each session's logon, among others
    kinds = [kind for kind in kinds if kind[1] != "system"]
    assert kinds[:3] == [("UserCreated", "demo-supervisor")] * 3
    assert kinds[3:] == [("LoggedIn", "demo-trader"), ("LoggedOut", "demo-trader")]


def test_a_limits_file_given_on_the_command_line_is_loaded_only_by_a_role_that_may(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    limits = tmp_path / "desk-limits.toml"
    limits.write_text("[[limits]]\nmax_order_qty = 7\n")
    args = ["--demo", "--config", str(_config(tmp_path)), "--data-dir", str(tmp_path / "data"), "--quit-after", "1"]
    done = subprocess.run(
        [sys.executable, "-m", "app", *args, "--limits", str(limits)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, (done.returncode, done.stderr, done.stdout)
    assert "demo-trader is a trader; a trader cannot change risk limits." in done.stderr  # the demo logs in as one
    with EventStore.open(tmp_path / "data" / "events.db") as store:
        refused = [e for e in store.read() if e.kind == "ActionRefused"]
    assert [e.user for e in refused] == ["demo-trader"]


def test_a_first_start_closed_unanswered_opens_no_account_and_exits_cleanly(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    args = ["--config", str(_config(tmp_path)), "--data-dir", str(tmp_path / "data"), "--quit-after", "1"]
    done = subprocess.run(
        [sys.executable, "-m", "app", *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, (done.returncode, done.stderr, done.stdout)
    with EventStore.open(tmp_path / "data" / "events.db") as store:
        kinds = {e.kind for e in store.read()}
    assert "UserCreated" not in kinds
    assert kinds <= {"LimitChanged", "SessionAlertRaised", "DropCopyWatched"}  # desk set-up and line news only


def test_a_bad_sessions_file_is_reported_in_words(tmp_path: Path) -> None:
    config = tmp_path / "sessions.toml"
    config.write_text('[[session]]\nname = "SIMA"\nport = "x"\n')
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    args = ["--config", str(config), "--data-dir", str(tmp_path / "data"), "--quit-after", "1"]
    done = subprocess.run(
        [sys.executable, "-m", "app", *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert "sessions.toml, line 3" in done.stderr
