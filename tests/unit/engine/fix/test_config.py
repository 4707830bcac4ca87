"""The FIX sessions file: a valid file gives exactly the sessions written, with defaults filled in."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from textwrap import dedent
from zoneinfo import ZoneInfo

import pytest

from app.engine.fix.config import (
    REQUIRED_KEYS,
    SessionConfig,
    SessionRole,
    default_config_path,
    load_config,
)
from app.engine.fix.schedule import SessionSchedule

FULL = dedent(
    """\
    # the desk's sessions
    [defaults]
    host = "127.0.0.1"
    sender_comp_id = "OEMS"
    schedule = "non-stop"
    heartbeat_interval = 20

    [[session]]
    name = "SIMA"
    role = "orders"
    port = 19871
    target_comp_id = "SIMA"

    [[session]]
    name = "NYFX"
    role = "drop_copy"
    host = "fix.example.com"
    port = 9880
    sender_comp_id = "DESK1"
    target_comp_id = "BROKER"
    heartbeat_interval = 45
    schedule = { start = "17:00", end = "16:00:30", time_zone = "America/New_York", weekdays_only = true }
    reset_on_logon = true
    daily_reset = false
    max_resend_age = 0
    logon_timeout = 5
    logout_timeout = 3
    reconnect_min_delay = 2
    reconnect_max_delay = 60
    max_clock_skew = 30
    mass_cancel = true
    begin_string = "FIX.4.4"
    venue = "SIMA"
    """
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sessions.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_file_gives_exact_sessions_in_file_order(tmp_path: Path) -> None:
    sima, nyfx = load_config(write(tmp_path, FULL))
    assert sima == SessionConfig(
        name="SIMA",
        role=SessionRole.ORDERS,
        host="127.0.0.1",
        port=19871,
        sender_comp_id="OEMS",
        target_comp_id="SIMA",
        schedule=SessionSchedule(),
        heartbeat_interval=20,
    )
    assert nyfx == SessionConfig(
        name="NYFX",
        role=SessionRole.DROP_COPY,
        host="fix.example.com",
        port=9880,
        sender_comp_id="DESK1",
        target_comp_id="BROKER",
        schedule=SessionSchedule(time(17), time(16, 0, 30), ZoneInfo("America/New_York"), weekdays_only=True),
        heartbeat_interval=45,
        reset_on_logon=True,
        daily_reset=False,
        max_resend_age=0,
        logon_timeout=5,
        logout_timeout=3,
        reconnect_min_delay=2,
        reconnect_max_delay=60,
        max_clock_skew=30,
        mass_cancel=True,
        venue="SIMA",
    )
    assert nyfx.copied_venue == "SIMA"


def test_a_drop_copy_session_copies_the_venue_its_name_says_unless_it_names_one() -> None:
    copies = {c.name: c.copied_venue for c in load_config(default_config_path()) if c.role is SessionRole.DROP_COPY}
    assert copies == {"SIMA-DC": "SIMA", "SIMB-DC": "SIMB", "SIMC-DC": "SIMC"}
    sima_dc = SessionConfig(name="X-DC", role=SessionRole.DROP_COPY, host="h", port=1, sender_comp_id="A",
                            target_comp_id="B", schedule=SessionSchedule())  # fmt: skip
    assert sima_dc.copied_venue == "X"


def test_unset_keys_take_the_documented_defaults(tmp_path: Path) -> None:
    (sima, _) = load_config(write(tmp_path, FULL))
    assert (sima.reset_on_logon, sima.daily_reset, sima.max_resend_age) == (False, True, 60)
    assert (sima.logon_timeout, sima.logout_timeout, sima.max_clock_skew) == (10, 2, 120)
    assert (sima.reconnect_min_delay, sima.reconnect_max_delay, sima.begin_string) == (1, 30, "FIX.4.4")
    assert not sima.mass_cancel  # a venue takes mass cancels only when its session says so


def test_a_session_inherits_defaults_it_does_not_set_and_overrides_those_it_does(tmp_path: Path) -> None:
    text = dedent(
        """\
        [defaults]
        host = "10.0.0.5"
        sender_comp_id = "OEMS"
        role = "orders"
        schedule = { start = "08:00", end = "17:00", time_zone = "Europe/London" }
        logon_timeout = 7

        [[session]]
        name = "LSE"
        port = 9001
        target_comp_id = "LSE"

        [[session]]
        name = "NIGHT"
        port = 9002
        target_comp_id = "NIGHT"
        host = "10.0.0.6"
        schedule = "non-stop"
        """
    )
    lse, night = load_config(write(tmp_path, text))
    assert (lse.host, lse.role, lse.logon_timeout) == ("10.0.0.5", SessionRole.ORDERS, 7)
    assert lse.schedule == SessionSchedule(time(8), time(17), ZoneInfo("Europe/London"))
    assert (night.host, night.logon_timeout, night.schedule) == ("10.0.0.6", 7, SessionSchedule())


def test_schedule_may_be_a_sub_table_with_toml_local_times(tmp_path: Path) -> None:
    text = dedent(
        """\
        [[session]]
        name = "SIMA"
        role = "market_data"
        host = "localhost"
        port = 1
        sender_comp_id = "A"
        target_comp_id = "B"

        [session.schedule]
        start = 07:30:00
        end = "07:00"
        """
    )
    (session,) = load_config(write(tmp_path, text))
    assert session.schedule == SessionSchedule(time(7, 30), time(7))
    assert session.role is SessionRole.MARKET_DATA


def test_required_keys_are_the_ones_a_person_must_write() -> None:
    assert set(REQUIRED_KEYS) == {"name", "role", "host", "port", "sender_comp_id", "target_comp_id", "schedule"}


def test_the_shipped_simulator_file_loads_with_three_venues_drop_copies_and_market_data() -> None:
    sessions = load_config(default_config_path())
    by_role = {role: [s.name for s in sessions if s.role is role] for role in SessionRole}
    assert by_role == {
        SessionRole.ORDERS: ["SIMA", "SIMB", "SIMC"],
        SessionRole.DROP_COPY: ["SIMA-DC", "SIMB-DC", "SIMC-DC"],
        SessionRole.MARKET_DATA: ["SIM-MD", "SIMA-MD", "SIMB-MD", "SIMC-MD"],
    }
    assert all(s.host == "127.0.0.1" and s.schedule.non_stop for s in sessions)
    assert [s.port for s in sessions if s.role is SessionRole.ORDERS] == [19871, 19872, 19873]
    assert len({s.port for s in sessions}) == len(sessions)
    assert [s.name for s in sessions if s.mass_cancel] == ["SIMA", "SIMB"]  # SIMC: one cancel per order


def test_a_session_config_refuses_a_backoff_that_shrinks() -> None:
    with pytest.raises(ValueError, match=r"reconnect_max_delay \(5\) is shorter than reconnect_min_delay \(10\)"):
        SessionConfig(
            name="X",
            role=SessionRole.ORDERS,
            host="h",
            port=1,
            sender_comp_id="A",
            target_comp_id="B",
            schedule=SessionSchedule(),
            reconnect_min_delay=10,
            reconnect_max_delay=5,
        )
