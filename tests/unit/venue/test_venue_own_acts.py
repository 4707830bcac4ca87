"""What the venue does on its own when a fault script says so: busts, unsolicited cancels, a fill before a cancel;
and the replace and mass-status answers a strict counterparty needs."""

from __future__ import annotations

from app.engine.ids import ClOrdId, ExecId
from tests.unit.venue.fix_kit import DROP, Client, body, tag, to, venue


def _trade(qty: str = "30", resting: str = "30") -> tuple[Client, Client, ExecId]:
    """C1 sells ``resting`` at 100 and C2 buys ``qty`` at 100 (limit, DAY); C2's first fill's ExecID."""
    app = venue()
    seller, buyer = Client(app, "C1"), Client(app, "C2")
    seller.new("s1", "2", resting, "100.00")
    fill = buyer.mine(buyer.new("b1", "1", qty, "100.00"))[1]
    assert fill[150] == "F"
    return seller, buyer, ExecId(fill[17])


def test_a_bust_of_a_finished_order_lowers_cum_qty_and_leaves_it_finished() -> None:
    seller, buyer, exec_id = _trade()
    out = buyer.app.bust(exec_id)
    [bust] = buyer.mine(out)
    assert (bust[150], bust[19], bust[39], bust[14], bust[151], bust[6]) == ("H", exec_id, "2", "0", "0", "0")
    assert seller.mine(out) == []  # the seller's fill has its own ExecID; only the named one is busted
    assert tag(to(out, DROP), 150) == ["H"]
    assert buyer.app.bust(exec_id) == []  # a fill is busted once


def test_a_bust_of_a_working_order_puts_the_quantity_back_to_work_in_the_book() -> None:
    _, buyer, exec_id = _trade(qty="50", resting="20")
    [bust] = buyer.mine(buyer.app.bust(exec_id))
    assert (bust[39], bust[14], bust[151]) == ("0", "0", "50")
    book = buyer.app.engine.book("ACME")
    assert book is not None
    assert book.depth(1)[0][0][1] == 50  # the bid works all 50 again


def test_busting_an_unknown_execid_does_nothing() -> None:
    _, buyer, _ = _trade()
    assert buyer.app.bust(ExecId("nope")) == []


def test_an_unsolicited_cancel_ends_one_order_with_the_reason_in_text() -> None:
    app = venue()
    c1, c2 = Client(app, "C1"), Client(app, "C2")
    c1.new("a1", "1", "10", "99.00")
    c1.new("a2", "1", "10", "98.00")
    c2.new("z1", "1", "10", "99.00")
    out = app.unsolicited_cancel("C1", ClOrdId("a1"))
    [canceled] = c1.mine(out)
    assert (canceled[150], canceled[39], canceled[11], canceled.get(41)) == ("4", "4", "a1", None)
    assert "canceled by the venue" in canceled[58]
    assert app.unsolicited_cancel("C1", ClOrdId("a1")) == []  # no longer live
    assert app.unsolicited_cancel("C2", ClOrdId("a1")) == []  # not C2's


def test_an_unsolicited_cancel_by_symbol_cancels_only_that_sessions_orders_in_it() -> None:
    app = venue()
    c1, c2 = Client(app, "C1"), Client(app, "C2")
    c1.new("a1", "1", "10", "99.00")
    c1.new("b1", "1", "10", "9.00", symbol="BOLT")
    c2.new("z1", "1", "10", "99.00")
    out = app.unsolicited_cancel("C1", symbol="ACME")
    assert [(m[11], m[150]) for m in c1.mine(out)] == [("a1", "4")]
    assert c2.mine(out) == []


def test_fill_first_fills_the_whole_order_at_its_limit_so_the_cancel_is_too_late() -> None:
    app = venue()
    c1 = Client(app, "C1")
    c1.new("a1", "1", "30", "99.00")
    out = app.fill_first("C1", ClOrdId("a1"))
    [fill] = c1.mine(out)
    assert (fill[150], fill[39], fill[32], fill[31], fill[14], fill[151]) == ("F", "2", "30", "99.00", "30", "0")
    assert {o.session for o in out} == {"C1", DROP}  # the venue's own side gets no report
    [refused] = c1.mine(c1.cancel("c1", "a1"))
    assert (refused[35], refused[434], refused[102], refused[39]) == ("9", "1", "0", "2")


def test_fill_first_for_an_order_that_is_not_live_does_nothing() -> None:
    app = venue()
    assert app.fill_first("C1", ClOrdId("never")) == []


def test_a_replace_changing_the_side_or_the_order_type_is_refused_with_102_2() -> None:
    app = venue()
    c1 = Client(app, "C1")
    c1.new("a1", "1", "30", "99.00")
    [side] = c1.mine(c1.replace("r1", "a1", "30", "99.00", side="2"))
    assert (side[35], side[434], side[102], side[39]) == ("9", "2", "2", "0")
    assert side[58] == "a replace cannot change the side from Buy to Sell; cancel the order and send a new one"
    fields = [
        (41, "a1"),
        (11, "r2"),
        (55, "ACME"),
        (54, "1"),
        (38, "30"),
        (40, "1"),
        (59, "0"),
        (60, "20260105-14:30:00"),
    ]
    [kind] = c1.mine(c1.send("G", fields))
    assert (kind[35], kind[102]) == ("9", "2")
    assert "order type from limit to market" in kind[58]
    [kept] = c1.mine(c1.replace("r3", "a1", "20", "99.00"))
    assert (kept[150], kept[38]) == ("5", "20")  # the order still works under its own ClOrdID chain


def test_a_mass_status_with_nothing_to_report_still_names_a_symbol_and_a_side() -> None:
    app = venue()
    c1 = Client(app, "C1")
    [everything] = c1.mine(c1.send("AF", [(584, "m1"), (585, "7")]))
    assert body(everything)[:9] == [
        (35, "8"), (37, "NONE"), (17, "TST-R1"), (150, "I"), (39, "8"), (55, "[N/A]"), (54, "1"), (151, "0"), (14, "0"),
    ]  # fmt: skip
    [bolt] = c1.mine(c1.send("AF", [(584, "m2"), (585, "1"), (55, "BOLT"), (54, "2")]))
    assert (bolt[55], bolt[54], bolt[912]) == ("BOLT", "2", "Y")
