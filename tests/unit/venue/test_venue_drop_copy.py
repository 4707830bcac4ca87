"""Drop copies: every execution report a client gets is mirrored to the drop-copy session, reconcilably."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from app.engine.clock import FakeClock
from app.engine.ids import ClOrdId
from app.venue.orders import OwnerId
from app.venue.venue_app import Outbound, VenueApplication
from tests.unit.venue.fix_kit import DROP, PENDING, QUIET, Client, to, venue


def test_each_execution_report_is_copied_with_the_venues_own_ids_and_an_account() -> None:
    app = venue()
    c1, c2 = Client(app, "C1"), Client(app, "C2")
    out = c1.new("s1", "2", "50", "100.00", extra=[(1, "ACC-1")])
    out += c2.new("b1", "1", "30", "100.00")
    copies = to(out, DROP)
    originals = [o.message for o in out if o.session != DROP]
    assert [c[17] for c in copies] == [m[17] for m in originals]
    assert [(c[1], c[11], c[150]) for c in copies] == [
        ("ACC-1", "s1", "0"),
        ("C2", "b1", "0"),
        ("C2", "b1", "F"),
        ("ACC-1", "s1", "F"),
    ]
    for copy, original in zip(copies, originals, strict=True):
        assert [f for f in copy.fields if f[0] != 1] == [f for f in original.fields if f[0] != 1]


def test_refusals_and_status_answers_are_not_copied_but_pending_acks_are() -> None:
    app = venue(PENDING)
    c1 = Client(app)
    out = c1.new("c1", "1", "10", "99.00", release=False)
    out += c1.cancel("x1", "nope")
    out += c1.send("H", [(11, "c1"), (55, "ACME"), (54, "1")])
    out += c1.send("D", [(11, "bad")])
    assert [(m[35], m.get(150)) for m in to(out, DROP)] == [("8", "A"), ("8", "0")]
    assert [m.msg_type for m in c1.mine(out)] == ["8", "8", "9", "8", "3"]


def test_a_drop_copy_consumer_reconciles_fills_to_the_venues_cumqty() -> None:
    app = venue()
    c1, c2 = Client(app, "C1"), Client(app, "C2")
    out: list[Outbound] = []
    for i, price in enumerate(("100.00", "100.01", "100.02")):
        out += c1.new(f"s{i}", "2", "40", price)
    out += c2.new("b1", "1", "100", "100.01")
    out += c2.replace("b2", "b1", "110", "100.02")
    out += c1.new("s9", "2", "20", "100.02")
    filled: dict[str, Decimal] = defaultdict(Decimal)
    last_cum: dict[str, Decimal] = {}
    seen: set[str] = set()
    for copy in to(out, DROP):
        assert copy[17] not in seen
        seen.add(copy[17])
        if copy[150] == "F":
            filled[copy[37]] += Decimal(copy[32])
        last_cum[copy[37]] = Decimal(copy[14])
    assert filled == {k: v for k, v in last_cum.items() if v}
    assert last_cum[_order_id(app, "C2", "b2")] == Decimal(110)


def test_a_venue_without_a_drop_copy_session_sends_no_copies() -> None:
    app = VenueApplication(QUIET, FakeClock())
    c1 = Client(app)
    assert [o.session for o in c1.new("c1", "1", "10", "99.00")] == ["C1"]


def _order_id(app: VenueApplication, session: str, cl_ord_id: str) -> str:
    book = app.engine.book("ACME")
    assert book is not None
    state = book.find(OwnerId(session), ClOrdId(cl_ord_id))
    assert state is not None
    return state.order_id
