"""Market data: 35=V answered with 35=W snapshots and 35=X increments that follow the book, or 35=Y."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from app.engine.clock import FakeClock
from app.engine.fix import FixMessage
from app.engine.fix.values import FixValue
from app.venue.profiles import SIMB
from app.venue.venue_app import VenueApplication
from tests.unit.venue.fix_kit import Client, body, venue

ALL_TYPES: list[tuple[int, FixValue]] = [(267, 3), (269, "0"), (269, "1"), (269, "2")]


def _request(
    client: Client, req_id: str, kind: str, depth: int, *symbols: str, extra: Sequence[tuple[int, FixValue]] = ()
) -> list[FixMessage]:
    fields: list[tuple[int, FixValue]] = [(262, req_id), (263, kind), (264, depth), *extra, *ALL_TYPES]
    fields += [(146, len(symbols)), *((55, s) for s in symbols)]
    return client.mine(client.send("V", fields))


def _book(app: VenueApplication) -> Client:
    trader = Client(app, "T1")
    trader.new("b1", "1", "10", "99.00")
    trader.new("b2", "1", "20", "99.00")
    trader.new("b3", "1", "10", "98.50")
    trader.new("a1", "2", "10", "101.00")
    return trader


def test_a_snapshot_shows_the_levels_asked_for_best_first() -> None:
    app = venue()
    _book(app)
    md = Client(app, "MD")
    [snapshot] = _request(md, "s1", "0", 2, "ACME")
    assert body(snapshot) == [
        (35, "W"), (262, "s1"), (55, "ACME"), (268, "3"),
        (269, "0"), (270, "99.00"), (271, "30"),
        (269, "0"), (270, "98.50"), (271, "10"),
        (269, "1"), (270, "101.00"), (271, "10"),
    ]  # fmt: skip
    assert [m.msg_type for m in md.mine(Client(app, "T2").new("x", "2", "10", "99.00"))] == []


def test_a_subscription_gets_increments_for_level_changes_and_trades() -> None:
    app = venue()
    trader = _book(app)
    md = Client(app, "MD")
    _request(md, "sub1", "1", 1, "ACME")
    [traded] = md.mine(Client(app, "T2").new("s1", "2", "10", "99.00"))
    assert body(traded) == [
        (35, "X"), (262, "sub1"), (268, "2"),
        (279, "1"), (269, "0"), (55, "ACME"), (270, "99.00"), (271, "20"),
        (279, "0"), (269, "2"), (55, "ACME"), (270, "99.00"), (271, "10"),
    ]  # fmt: skip
    trader.cancel("c1", "b1")
    [level_gone] = md.mine(trader.cancel("c2", "b2"))
    assert body(level_gone) == [
        (35, "X"), (262, "sub1"), (268, "2"),
        (279, "2"), (269, "0"), (55, "ACME"), (270, "99.00"),
        (279, "0"), (269, "0"), (55, "ACME"), (270, "98.50"), (271, "10"),
    ]  # fmt: skip
    assert md.mine(trader.new("b9", "1", "10", "97.00")) == []  # below the depth asked for
    [snapshot] = _request(md, "s2", "0", 1, "ACME")
    assert body(snapshot)[-3:] == [(269, "2"), (270, "99.00"), (271, "10")]


def test_unsubscribe_stops_the_increments_and_other_symbols_never_start_them() -> None:
    app = venue()
    trader = _book(app)
    md = Client(app, "MD")
    _request(md, "sub1", "1", 1, "ACME")
    assert md.mine(trader.new("x1", "1", "10", "9.00", symbol="BOLT")) == []
    assert md.mine(md.send("V", [(262, "sub1"), (263, "2")])) == []
    assert md.mine(trader.new("x2", "1", "10", "99.50")) == []


def test_a_full_refresh_subscription_gets_a_new_snapshot_on_each_change() -> None:
    app = venue()
    trader = _book(app)
    md = Client(app, "MD")
    _request(md, "full", "1", 1, "ACME", extra=[(265, "0")])
    [refresh] = md.mine(trader.new("b4", "1", "10", "99.50"))
    assert body(refresh)[:7] == [
        (35, "W"),
        (262, "full"),
        (55, "ACME"),
        (268, "2"),
        (269, "0"),
        (270, "99.50"),
        (271, "10"),
    ]


def test_requests_the_venue_cannot_serve_are_refused_with_a_reason() -> None:
    app = venue()
    md = Client(app, "MD")
    _request(md, "sub1", "1", 1, "ACME")
    [unknown] = _request(md, "r1", "1", 1, "ACME", "NOPE")
    [duplicate] = _request(md, "sub1", "1", 1, "BOLT")
    [unsupported] = md.mine(
        md.send("V", [(262, "r3"), (263, "0"), (264, 1), (267, 1), (269, "4"), (146, 1), (55, "ACME")])
    )
    assert body(unknown) == [(35, "Y"), (262, "r1"), (281, "0"), (58, "the venue does not list NOPE")]
    assert (duplicate[281], unsupported[281]) == ("1", "8")


def test_increments_replayed_over_the_snapshot_rebuild_the_book_as_market_makers_requote() -> None:
    app = VenueApplication(SIMB, FakeClock())
    md = Client(app, "MD")
    [snapshot] = _request(md, "deep", "1", 0, "ACME")
    shown = _apply(snapshot, {})
    actions: set[str] = set()
    for _ in range(30):
        for msg in md.mine(app.step_market()):
            shown = _apply(msg, shown)
            actions.update(msg.get_all(279))
    assert actions == {"0", "1", "2"}
    book = app.engine.book("ACME")
    assert book is not None
    bids, offers = book.depth(100)
    assert shown == {**{("0", p): s for p, s in bids}, **{("1", p): s for p, s in offers}}


def _apply(msg: FixMessage, shown: dict[tuple[str, Decimal], Decimal]) -> dict[tuple[str, Decimal], Decimal]:
    """What a market data consumer keeps: size by (side, price), from a snapshot or increment."""
    fields = list(msg.fields)
    out = {} if msg.msg_type == "W" else dict(shown)
    action = "0"
    for i, (tag, value) in enumerate(fields):
        if tag == 279:
            action = value
        if tag != 269 or value == "2":
            continue
        price = Decimal(fields[i + (2 if msg.msg_type == "X" else 1)][1])
        if action == "2":
            del out[(value, price)]
        else:
            size_at = i + (3 if msg.msg_type == "X" else 2)
            out[(value, price)] = Decimal(fields[size_at][1])
    return out
