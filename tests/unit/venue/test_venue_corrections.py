"""A trade correction the venue makes when a fault script says so (150=G): the fill's new LastQty and LastPx, with
ExecRefID naming it, CumQty and AvgPx recomputed, on the order session and the drop copy alike."""

from __future__ import annotations

from decimal import Decimal

from app.engine.ids import ExecId
from app.venue.faults import Correct
from app.venue.faults.rules import Change
from tests.unit.venue.fix_kit import DROP, Client, body, to, venue


def _trade(qty: str = "30", resting: str = "30") -> tuple[Client, Client, ExecId]:
    """C1 sells ``resting`` at 100 and C2 buys ``qty`` at 100 (limit, DAY); C2's first fill's ExecID."""
    app = venue()
    seller, buyer = Client(app, "C1"), Client(app, "C2")
    seller.new("s1", "2", resting, "100.00")
    fill = buyer.mine(buyer.new("b1", "1", qty, "100.00"))[1]
    assert fill[150] == "F"
    return seller, buyer, ExecId(fill[17])


def _change(value: str | None) -> Change | None:
    """As a script says it: a signed value shifts the fill's own, an unsigned one replaces it."""
    return None if value is None else Change(Decimal(value), shift=value[0] in "+-")


def _to(exec_id: ExecId, qty: str | None = None, px: str | None = None) -> Correct:
    return Correct(exec_id, _change(qty), _change(px))


def _bid(buyer: Client) -> list[tuple[Decimal, Decimal]]:
    book = buyer.app.engine.book("ACME")
    assert book is not None
    return book.depth(1)[0]


def test_a_price_correction_of_a_filled_order_restates_the_fill_and_recomputes_avgpx() -> None:
    seller, buyer, exec_id = _trade()
    out = buyer.app.correct(exec_id, _to(exec_id, px="+0.05").to)
    [corrected] = buyer.mine(out)
    assert body(corrected)[:6] == [(35, "8"), (37, "TST-O2"), (11, "b1"), (17, "TST-E5"), (150, "G"), (39, "2")]
    assert (corrected[19], corrected[32], corrected[31], corrected[14], corrected[151], corrected[6]) == (
        exec_id, "30", "100.05", "30", "0", "100.05",
    )  # fmt: skip
    assert corrected[58] == f"the venue corrected trade {exec_id} to 30 @ 100.05"
    [copy] = to(out, DROP)
    assert (copy[150], copy[19], copy[32], copy[31], copy[14], copy[6]) == (
        "G",
        exec_id,
        "30",
        "100.05",
        "30",
        "100.05",
    )
    assert seller.mine(out) == []  # the seller's fill has its own ExecID; only the named one is corrected


def test_a_quantity_corrected_down_on_a_working_order_goes_back_to_work_in_the_book() -> None:
    _, buyer, exec_id = _trade(qty="50", resting="20")
    [corrected] = buyer.mine(buyer.app.correct(exec_id, _to(exec_id, qty="10").to))
    assert (corrected[32], corrected[31], corrected[39], corrected[14], corrected[151]) == (
        "10",
        "100.00",
        "1",
        "10",
        "40",
    )
    assert _bid(buyer) == [(Decimal("100.00"), Decimal(40))]


def test_a_quantity_corrected_up_to_the_whole_order_ends_it_filled() -> None:
    _, buyer, exec_id = _trade(qty="50", resting="20")
    [corrected] = buyer.mine(buyer.app.correct(exec_id, _to(exec_id, qty="+30").to))
    said = (corrected[32], corrected[39], corrected[14], corrected[151], corrected[6])
    assert said == ("50", "2", "50", "0", "100.00")
    assert _bid(buyer) == []


def test_a_correction_the_book_cannot_make_or_of_no_known_fill_does_nothing() -> None:
    _, buyer, exec_id = _trade(qty="50", resting="20")
    assert buyer.app.correct(exec_id, _to(exec_id, qty="60").to) == []  # more than the order's 50
    assert buyer.app.correct(exec_id, _to(exec_id, qty="-20").to) == []  # nothing left: that is a bust
    assert buyer.app.correct(exec_id, _to(exec_id, px="-100").to) == []
    assert buyer.app.correct(ExecId("nope"), _to(ExecId("nope"), px="1").to) == []
    assert _bid(buyer) == [(Decimal("100.00"), Decimal(30))]


def test_a_bust_after_a_correction_takes_back_the_corrected_fill() -> None:
    _, buyer, exec_id = _trade(qty="50", resting="20")
    buyer.app.correct(exec_id, _to(exec_id, qty="10", px="99.00").to)
    [busted] = buyer.mine(buyer.app.bust(exec_id))
    assert (busted[150], busted[39], busted[14], busted[151], busted[6]) == ("H", "0", "0", "50", "0")
    assert _bid(buyer) == [(Decimal("100.00"), Decimal(50))]
