"""``--hours VENUE:HH:MM-HH:MM[@ZONE]``: a venue keeps hours from the command line; mistakes are named with the
option, its value and the part that is wrong."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, time

import pytest

from app.engine.clock import FakeClock
from app.venue.errors import VenueOptionError
from app.venue.hours_options import add_hours_option, hours_words, read_hours
from app.venue.profiles import DEFAULT_PROFILES, NEW_YORK
from app.venue.simulator import VenueSimulator
from tests.support.fix_script import session_config
from tests.unit.venue.fix_kit import Client

MONDAY_EARLY = datetime(2026, 1, 5, 13, 0, tzinfo=UTC)
"""08:00 in New York, 13:00 in London, Monday 5 January 2026."""


def _hours(*values: str) -> dict[str, object]:
    parser = argparse.ArgumentParser()
    add_hours_option(parser)
    return dict(read_hours(parser.parse_args([arg for value in values for arg in ("--hours", value)])))


def test_without_the_option_every_venue_stays_non_stop() -> None:
    assert _hours() == DEFAULT_PROFILES
    assert {hours_words(profile) for profile in DEFAULT_PROFILES.values()} == {"non-stop"}


def test_a_venue_named_keeps_the_hours_given_in_its_zone_the_others_stay_non_stop() -> None:
    hours = ["SIMB:09:30-16:00@America/New_York", "SIMC:8:00-12:30@Europe/London"]
    profiles = read_hours(argparse.Namespace(hours=hours))
    simb, simc = profiles["SIMB"], profiles["SIMC"]
    assert (simb.open, simb.close, simb.zone) == (time(9, 30), time(16, 0), NEW_YORK)
    assert hours_words(simc) == "08:00-12:30 Europe/London"
    assert profiles["SIMA"] == DEFAULT_PROFILES["SIMA"]
    assert simb.calendar.is_open(datetime(2026, 1, 5, 14, 30, tzinfo=UTC))  # 09:30 New York
    assert not simb.calendar.is_open(MONDAY_EARLY)
    assert simc.calendar.is_open(datetime(2026, 1, 5, 12, 29, tzinfo=UTC))  # 12:29 in London
    assert not simc.calendar.is_open(MONDAY_EARLY)  # 13:00 in London, after its close


def test_without_a_zone_the_venue_keeps_its_own() -> None:
    profile = read_hours(argparse.Namespace(hours=["SIMA:10:00-15:00"]))["SIMA"]
    assert hours_words(profile) == "10:00-15:00 America/New_York"


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("SIMB", "--hours SIMB: give VENUE:HH:MM-HH:MM, optionally @ZONE, as in SIMB:09:30-16:00@America/New_York"),
        ("SIMB:09:30", "--hours SIMB:09:30: give VENUE:HH:MM-HH:MM"),
        ("SIMZ:09:30-16:00", "--hours SIMZ:09:30-16:00: there is no simulated venue SIMZ; the venues are SIMA, SIMB"),
        ("SIMB:9h30-16:00", "--hours SIMB:9h30-16:00: the opening time '9h30' is not HH:MM on a 24-hour clock"),
        ("SIMB:09:30-24:00", "--hours SIMB:09:30-24:00: the closing time '24:00' is not HH:MM on a 24-hour clock"),
        ("SIMB:16:00-09:30", "--hours SIMB:16:00-09:30: the venue must open before it closes, and 16:00 is not"),
        ("SIMB:09:30-16:00@Mars/Base", "--hours SIMB:09:30-16:00@Mars/Base: there is no time zone 'Mars/Base'"),
    ],
)
def test_a_mistake_names_the_option_its_value_and_the_part_that_is_wrong(value: str, said: str) -> None:
    with pytest.raises(VenueOptionError) as caught:
        _hours(value)
    assert str(caught.value).startswith(said)


def test_every_mistake_is_said_and_a_venue_given_twice_is_one() -> None:
    with pytest.raises(VenueOptionError) as caught:
        _hours("SIMB:09:30-16:00", "SIMA:nine-16:00", "SIMB:10:00-16:00")
    assert [problem.split(": ", 1)[0] for problem in caught.value.problems] == [
        "--hours SIMA:nine-16:00",
        "--hours SIMB:10:00-16:00",
    ]
    assert caught.value.problems[1].endswith("SIMB's hours are given twice; give them once")


def test_the_simulator_runs_the_venues_as_the_option_says() -> None:
    configs = [session_config(name, "OEMS", name) for name in ("SIMA", "SIMB")]
    clock = FakeClock(MONDAY_EARLY)
    simulator = VenueSimulator(configs, clock, profiles=read_hours(argparse.Namespace(hours=["SIMB:09:30-16:00"])))
    sima, simb = (Client(venue.app, venue.profile.name) for venue in simulator.venues)
    [taken] = sima.mine(sima.new("a1", "1", "10", "90.00"))
    [pending, refused] = simb.mine(simb.new("b1", "1", "10", "90.00"))
    assert (taken[150], pending[150], refused[150]) == ("0", "A", "8")
    assert refused[58] == "market closed: opens Mon 2026-01-05 09:30 America/New_York"
