"""An order an earlier desk left working on a venue (restored from the venue store, its ClOrdIDs from another desk
store) can be canceled by the desk that finds it in a status answer: by OrigClOrdID and the OrderID the answer gave,
one cancel per order, on every venue, SIMC included (it takes no OrderMassCancelRequest)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from app.engine.clock import FakeClock
from app.engine.fix.values import FixValue
from app.venue.profiles import DEFAULT_PROFILES, VenueProfile
from app.venue.simulator import SimulatedVenue
from app.venue.venue_store import VenueStore
from tests.support.fix_script import session_config
from tests.unit.venue.fix_kit import T0, Client


def _venue(profile: VenueProfile, path: Path, clock: FakeClock) -> SimulatedVenue:
    quiet = dataclasses.replace(profile, liquidity=None, ack_latency_ms=0)
    return SimulatedVenue(quiet, [session_config(profile.name, "DESK", profile.name)], clock, store=VenueStore(path))


def _close(venue: SimulatedVenue) -> None:
    assert venue.store is not None
    venue.store.close()


@pytest.mark.parametrize("name", sorted(DEFAULT_PROFILES))
def test_an_earlier_desks_working_order_is_canceled_by_its_orig_cl_ord_id_and_order_id(
    name: str, tmp_path: Path
) -> None:
    profile = DEFAULT_PROFILES[name]
    path, clock = tmp_path / "venues.sqlite3", FakeClock()
    symbol = profile.listings[0].symbol
    earlier = _venue(profile, path, clock)
    price = str(profile.listings[0].mid - profile.tick * 10)
    Client(earlier.app, name).new("OEMSA-260105-1", "1", "100", price, symbol=symbol)
    earlier.tick()
    _close(earlier)  # the earlier desk and its store are gone; the venue crashes and is restored

    venue = _venue(profile, path, clock)
    desk = Client(venue.app, name)
    side: list[tuple[int, FixValue]] = [(55, symbol), (54, "1")]
    [status] = desk.mine(desk.send("H", [(11, "OEMSA-260105-1"), *side]))
    assert (status[150], status[39]) == ("I", "0")
    fields: list[tuple[int, FixValue]] = [(41, "OEMSA-260105-1"), (37, status[37]), (11, "OEMSB-260105-1"), *side]
    reports = desk.mine(desk.send("F", [*fields, (38, "100"), (60, T0)]))
    assert [(r[150], r[39], r[41]) for r in reports][-1] == ("4", "4", "OEMSA-260105-1")
    [after] = desk.mine(desk.send("H", [(11, "OEMSB-260105-1"), *side]))
    assert after[39] == "4"
    _close(venue)
