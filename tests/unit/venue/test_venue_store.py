"""The venue store keeps each session's standing and sent messages, and each venue's state, across a reopen; a
session wiped by a fault script starts again from nothing."""

from __future__ import annotations

from pathlib import Path

from app.engine.clock import FakeClock
from app.engine.store_records import SessionRecord
from app.venue.faults import WipeStore
from app.venue.profiles import SIMA
from app.venue.simulator import SimulatedVenue
from app.venue.venue_store import VenueStore
from tests.support.fix_script import session_config
from tests.unit.venue.fix_kit import Client


def test_a_sessions_numbers_and_messages_survive_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "venues.sqlite3"
    venues = VenueStore(path)
    assert venues.fresh
    store = venues.session_store("SIMA")
    store.save(SessionRecord("SIMA", 1, "2026-01-05T14:30:00+00:00", 7), [(1, b"one"), (2, b"two")])
    store.save(SessionRecord("SIMA", 2, "2026-01-05T15:00:00+00:00", 3), [(1, b"again")])
    venues.save_venue("SIMA", "2026-01-05T15:00:00+00:00", "{}")
    venues.close()

    again = VenueStore(path)
    assert not again.fresh
    kept = again.session_store("SIMA")
    assert kept.session_record("SIMA") == SessionRecord("SIMA", 2, "2026-01-05T15:00:00+00:00", 3)
    assert kept.outbound_messages("SIMA:1", 2, None) == [(2, b"two")]
    assert kept.last_outbound_seq("SIMA:2") == 1
    assert again.session_store("SIMB").session_record("SIMB") is None
    assert again.venue_state("SIMA") == ("2026-01-05T15:00:00+00:00", "{}")
    assert again.venue_state("SIMB") is None
    again.close()


def test_a_fault_scripts_wiped_store_forgets_the_session_in_the_file_too(tmp_path: Path) -> None:
    venues = VenueStore(tmp_path / "venues.sqlite3")
    venue = SimulatedVenue(SIMA, [session_config("SIMA", "DESK", "SIMA")], FakeClock(), store=venues)
    served = venue.served["SIMA"]
    served.store.save(SessionRecord("SIMA", 1, "2026-01-05T14:30:00+00:00", 9), [(1, b"one")])
    assert venues.session_record("SIMA") is not None
    venue._act("SIMA", WipeStore())
    assert served.store.session_record("SIMA") is None
    assert venues.session_record("SIMA") is None
    assert venues.sent_messages("SIMA") == []
    venues.close()


def test_the_venue_saves_when_a_clients_order_changes_not_at_every_requote(tmp_path: Path) -> None:
    venues = VenueStore(tmp_path / "venues.sqlite3")
    clock = FakeClock()
    venue = SimulatedVenue(SIMA, [session_config("SIMA", "DESK", "SIMA")], clock, store=venues)
    for _ in range(20):  # the makers requote at every step, giving out ids
        clock.advance(0.25)
        venue.tick()
    assert venues.venue_state("SIMA") is None
    Client(venue.app, "C1").new("a1", "1", "100", "90.00")
    venue.tick()
    kept = venues.venue_state("SIMA")
    assert kept is not None
    assert '"a1"' in kept[1]
    clock.advance(0.25)
    venue.tick()
    assert venues.venue_state("SIMA") == kept  # nothing of the client's changed since
    venues.close()
