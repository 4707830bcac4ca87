"""A venue's client orders of the day and id counters survive a restart through ``venue_state``: the same working
orders, ClOrdID chains, fills and time priority come back, finished orders answer a status request with their final
state, ids carry on, the makers' quotes are not kept, and a save writes only what changed."""

from __future__ import annotations

import json
from decimal import Decimal

from app.venue.orders import OwnerId
from app.venue.profiles import SIMA
from app.venue.venue_app import VenueApplication
from app.venue.venue_state import changes, restore, saved_state
from app.venue.venue_store import SavedVenue, VenueChanges
from tests.unit.venue.fix_kit import Client, venue


def _kept(saved: VenueChanges) -> SavedVenue:
    return SavedVenue("2026-01-05T14:30:00+00:00", saved.counters, [row.state for row in saved.changed])


def _restarted(app: VenueApplication) -> VenueApplication:
    again = VenueApplication(app.profile, app.clock, "DROPCOPY")
    restore(again, _kept(saved_state(app)))
    return again


def _working(app: VenueApplication) -> list[tuple[str, str, Decimal, Decimal, Decimal]]:
    books = [book for book in map(app.engine.book, app.engine.symbols) if book is not None]
    return [(o.order_id, o.cl_ord_id, o.qty, o.cum_qty, o.avg_px) for book in books for o in book.open_orders()]


def test_working_orders_come_back_with_their_fills_chains_and_ids_carrying_on() -> None:
    c1 = Client(venue(), "C1")
    c1.new("a1", "1", "100", "99.00")
    c1.new("a2", "1", "300", "98.00")
    c1.replace("a3", "a2", "200", "98.00")
    c1.new("b1", "2", "50", "11.00", symbol="BOLT", tif="1")
    c2 = Client(c1.app, "C2")
    c2.new("s1", "2", "40", "99.00")  # fills 40 of a1
    c1.new("done", "1", "10", "50.00")
    c1.cancel("done-x", "done")
    before = _working(c1.app)
    again = _restarted(c1.app)
    assert _working(again) == before
    assert [row[1] for row in before] == ["a1", "a3", "b1"]
    assert before[0][3:] == (Decimal(40), Decimal("99.00"))
    back = Client(again, "C1")
    [status] = back.mine(back.send("H", [(11, "a2"), (55, "ACME"), (54, "1")]))  # by its first ClOrdID
    assert (status[150], status[39], status[37]) == ("I", "0", before[1][0])
    [ack] = back.mine(back.new("a4", "1", "10", "97.00"))
    assert ack[37] not in {row[0] for row in before}
    assert ack[17] != status[17]


def test_time_priority_survives_a_restart() -> None:
    c1 = Client(venue(), "C1")
    c1.new("first", "1", "100", "99.00")
    c1.new("second", "1", "100", "99.00")
    again = _restarted(c1.app)
    seller = Client(again, "C2")
    seller.new("s", "2", "100", "99.00")
    book = again.engine.book("ACME")
    assert book is not None
    assert [o.cl_ord_id for o in book.open_orders()] == ["second"]


def test_a_clordid_of_a_restored_order_cannot_name_a_new_order_in_another_symbol() -> None:
    c1 = Client(venue(), "C1")
    c1.new("a1", "1", "100", "99.00")
    c1.replace("a2", "a1", "200", "99.00")
    back = Client(_restarted(c1.app), "C1")
    refusals = [back.mine(back.new(cl, "1", "10", "10.00", symbol="BOLT")) for cl in ("a1", "a2")]
    assert [(m[150], m[103]) for [m] in refusals] == [("8", "6"), ("8", "6")]
    assert "(an earlier replace request had it)" in refusals[1][0][58]


def test_the_makers_quotes_are_not_kept() -> None:
    c1 = Client(VenueApplication(SIMA, venue().clock, "DROPCOPY"), "C1")
    symbol = SIMA.listings[0].symbol
    c1.new("far", "1", "10", "1.00", symbol=symbol)
    again = _restarted(c1.app)
    book = again.engine.book(symbol)
    fresh = VenueApplication(SIMA, venue().clock, "DROPCOPY").engine.book(symbol)
    assert book is not None
    assert fresh is not None
    owners = [o.owner for o in book.open_orders()]
    assert owners.count(OwnerId("C1")) == 1
    assert len(owners) == len(fresh.open_orders()) + 1  # the new makers' first quotes, and the client's order


def test_ids_given_out_after_the_last_save_are_never_given_again() -> None:
    """A crash after a fill's report went out but before the next save: the restarted venue must not reuse the
    fill's ExecID (the desk applied it) or the order's OrderID."""
    c1 = Client(venue(), "C1")
    saved = _kept(saved_state(c1.app))
    [ack] = c1.mine(c1.new("late", "1", "100", "50.00"))  # sent, then the crash, before any save
    again = VenueApplication(c1.app.profile, c1.app.clock, "DROPCOPY")
    restore(again, saved)
    back = Client(again, "C1")
    [ack_again] = back.mine(back.new("next", "1", "100", "50.00"))
    assert ack_again[17] != ack[17]
    assert ack_again[37] != ack[37]


def test_finished_orders_answer_a_status_request_with_their_final_state_after_a_restart() -> None:
    c1 = Client(venue(), "C1")
    c1.new("filled", "1", "100", "99.00")
    Client(c1.app, "C2").new("s1", "2", "100", "99.00")
    c1.new("gone", "1", "50", "98.00")
    c1.cancel("gone-x", "gone")
    back = Client(_restarted(c1.app), "C1")
    answers = [back.mine(back.send("H", [(11, cl), (55, "ACME"), (54, "1")])) for cl in ("filled", "gone", "gone-x")]
    assert [(m[150], m[39], m[14], m[151]) for [m] in answers] == [
        ("I", "2", "100", "0"),
        ("I", "4", "0", "0"),
        ("I", "4", "0", "0"),
    ]
    assert answers[0][0][6] == "99.00"
    [refused] = back.mine(back.new("filled", "1", "10", "10.00", symbol="BOLT"))
    assert (refused[150], refused[103]) == ("8", "6")  # its ClOrdID is still in use


def test_a_save_writes_only_the_orders_that_changed_since_the_last() -> None:
    app = venue()
    app.touched = {}
    c1 = Client(app, "C1")
    for n in range(5):
        c1.new(f"a{n}", "1", "100", f"9{n}.00")
    assert len(changes(app).changed) == 5
    assert changes(app).changed == []
    c1.replace("a2-r", "a2", "200", "92.00")
    Client(app, "C2").new("s", "2", "30", "94.00")  # fills 30 of a4, C2's order finishes
    rows = changes(app).changed
    assert sorted((row.live, row.state.count('"a2-r"'), row.state.count('"s"')) for row in rows) == [
        (False, 0, 1),
        (True, 0, 0),
        (True, 1, 0),
    ]


def test_a_state_saved_by_the_previous_version_comes_back() -> None:
    """Version 1 kept the working orders inside the counters' document: a store written then still restores."""
    c1 = Client(venue(), "C1")
    c1.new("a1", "1", "100", "99.00")
    c1.replace("a2", "a1", "200", "99.00")
    full = saved_state(c1.app)
    orders = [json.loads(row.state) for row in full.changed]
    version_1 = json.dumps({**json.loads(full.counters), "version": 1, "orders": orders})
    again = VenueApplication(c1.app.profile, c1.app.clock, "DROPCOPY")
    assert restore(again, SavedVenue("2026-01-05T14:30:00+00:00", version_1, [])) == 1
    assert _working(again) == _working(c1.app)


def test_orders_kept_by_a_version_1_store_survive_the_first_save_after_the_upgrade() -> None:
    """Version 1 kept the working orders inside the counters' document, which every save replaces: a restore from
    it must have the first save write those orders as rows, or a second restart finds none."""
    c1 = Client(venue(), "C1")
    c1.new("a1", "1", "100", "99.00")
    c1.new("a2", "2", "50", "101.00")
    full = saved_state(c1.app)
    inline = [json.loads(row.state) for row in full.changed]
    v1 = SavedVenue(
        "2026-01-05T14:30:00+00:00", json.dumps({**json.loads(full.counters), "version": 1, "orders": inline}), []
    )
    upgraded = VenueApplication(c1.app.profile, c1.app.clock, "DROPCOPY")
    upgraded.touched = {}
    assert restore(upgraded, v1) == 2
    first_save = changes(upgraded)
    assert json.loads(first_save.counters)["version"] == 2
    after = VenueApplication(c1.app.profile, c1.app.clock, "DROPCOPY")
    assert restore(after, _kept(first_save)) == 2
    assert [row[1] for row in _working(after)] == ["a1", "a2"]
