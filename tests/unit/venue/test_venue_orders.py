"""Orders through the venue's FIX application: each request to its exact reports, and every reject code."""

from __future__ import annotations

import pytest

from app.engine.clock import FakeClock
from tests.unit.venue.fix_kit import T0, Client, body, tag, venue


def test_a_new_order_is_acknowledged_with_its_terms_and_account() -> None:
    c1 = Client(venue())
    [ack] = c1.mine(c1.new("c1", "1", "100", "100.00", extra=[(1, "ACC-7")]))
    assert body(ack) == [
        (35, "8"), (37, "TST-O1"), (11, "c1"), (17, "TST-E1"), (150, "0"), (39, "0"), (1, "ACC-7"),
        (55, "ACME"), (54, "1"), (38, "100"), (40, "2"), (44, "100.00"), (59, "0"),
        (151, "100"), (14, "0"), (6, "0"), (60, T0),
    ]  # fmt: skip


def test_a_fill_reaches_both_sessions_with_quantities_fee_and_the_shared_match_id() -> None:
    app = venue()
    seller, buyer = Client(app, "C1"), Client(app, "C2")
    seller.new("s1", "2", "100", "100.00")
    out = buyer.new("b1", "1", "30", "100.05")
    [buy_ack, buy_fill] = buyer.mine(out)
    [sell_fill] = seller.mine(out)
    assert body(buy_ack)[4:6] == [(150, "0"), (39, "0")]
    assert body(buy_fill) == [
        (35, "8"), (37, "TST-O2"), (11, "b1"), (17, "TST-E3"), (150, "F"), (39, "2"),
        (55, "ACME"), (54, "1"), (38, "30"), (40, "2"), (44, "100.05"), (59, "0"),
        (32, "30"), (31, "100.00"), (527, "TST-T1"), (12, "0.060"), (13, "3"),
        (151, "0"), (14, "30"), (6, "100.00"), (60, T0),
    ]  # fmt: skip
    assert body(sell_fill) == [
        (35, "8"), (37, "TST-O1"), (11, "s1"), (17, "TST-E4"), (150, "F"), (39, "1"),
        (55, "ACME"), (54, "2"), (38, "100"), (40, "2"), (44, "100.00"), (59, "0"),
        (32, "30"), (31, "100.00"), (527, "TST-T1"), (12, "0.060"), (13, "3"),
        (151, "70"), (14, "30"), (6, "100.00"), (60, T0),
    ]  # fmt: skip


def test_leaves_is_order_qty_minus_cum_qty_while_live_and_zero_once_finished() -> None:
    app = venue()
    seller, buyer = Client(app, "C1"), Client(app, "C2")
    seller.new("s1", "2", "50", "100.00")
    seller.new("s2", "2", "50", "100.10")
    out = buyer.new("b1", "1", "200", "100.10")
    fills = buyer.mine(out)[1:]
    assert [(m[39], m[14], m[151], m[6]) for m in fills] == [
        ("1", "50", "150", "100.00"),
        ("1", "100", "100", "100.05"),
    ]
    out = buyer.cancel("b2", "b1")
    [done] = buyer.mine(out)
    assert body(done)[:7] == [(35, "8"), (37, "TST-O3"), (11, "b2"), (41, "b1"), (17, "TST-E8"), (150, "4"), (39, "4")]
    assert (done[38], done[14], done[151], done[6]) == ("200", "100", "0", "100.05")


def test_an_average_price_without_end_is_rounded_to_eight_places() -> None:
    app = venue()
    seller, buyer = Client(app, "C1"), Client(app, "C2")
    for cl, price in (("s1", "10.00"), ("s2", "10.00"), ("s3", "10.01")):
        seller.new(cl, "2", "10", price, symbol="BOLT")
    fills = buyer.mine(buyer.new("b1", "1", "30", "10.01", symbol="BOLT"))[1:]
    assert fills[-1][6] == "10.00333333"


def test_a_replace_answers_with_the_new_clordid_and_terms() -> None:
    c1 = Client(venue())
    c1.new("c1", "1", "100", "99.00")
    [replaced] = c1.mine(c1.replace("c2", "c1", "60", "99.50"))
    assert body(replaced) == [
        (35, "8"), (37, "TST-O1"), (11, "c2"), (41, "c1"), (17, "TST-E2"), (150, "5"), (39, "0"),
        (55, "ACME"), (54, "1"), (38, "60"), (40, "2"), (44, "99.50"), (59, "0"),
        (151, "60"), (14, "0"), (6, "0"), (60, T0),
    ]  # fmt: skip


def test_a_replace_to_at_most_the_filled_quantity_ends_the_order_filled() -> None:
    app = venue()
    buyer, seller = Client(app, "C1"), Client(app, "C2")
    buyer.new("b1", "1", "100", "100.00")
    seller.new("s1", "2", "40", "100.00")
    [replaced] = buyer.mine(buyer.replace("b2", "b1", "30", "100.00"))
    # FIX 4.4 Appendix D: the order quantity is amended up to CumQty, never reported below it.
    assert (replaced[150], replaced[39], replaced[38], replaced[14], replaced[151]) == ("5", "2", "40", "40", "0")
    [late] = buyer.mine(buyer.cancel("b3", "b2"))
    assert (late[35], late[102], late[39]) == ("9", "0", "2")


def test_ioc_remainder_and_expiries_are_reported_in_words() -> None:
    clock = FakeClock()
    app = venue(clock=clock)
    c1 = Client(app)
    [_, canceled] = c1.mine(c1.new("c1", "1", "10", "100.00", tif="3"))
    assert (canceled[150], canceled[39], canceled[151]) == ("4", "4", "0")
    assert "immediate-or-cancel" in canceled[58]
    gtd = [(126, "20260105-14:31:00")]
    c1.new("c2", "1", "10", "99.00", tif="6", extra=gtd)
    c1.new("c3", "1", "10", "98.00")
    clock.advance(60)
    [expired] = c1.mine(app.expire())
    assert (expired[11], expired[150], expired[39], expired[126], expired[60]) == (
        "c2",
        "C",
        "C",
        "20260105-14:31:00.000",
        "20260105-14:31:00.000",
    )
    [closed] = c1.mine(app.close_session())
    assert (closed[11], closed[150], closed[58]) == ("c3", "C", "DAY order expired at the close")


@pytest.mark.parametrize(
    ("fields", "reason", "words"),
    [
        ({55: "NOPE"}, "1", "does not list"),
        ({38: "15"}, "13", "lot size 10"),
        ({38: "0"}, "13", "not positive"),
        ({44: "100.001"}, "99", "tick size"),
        ({44: None}, "11", "needs a price"),
        ({59: "6"}, "11", "needs an expiry"),
        ({59: "6", 126: "20260105-14:29:00"}, "4", "has passed"),
        ({11: "dup"}, "6", "already in use"),
    ],
)
def test_every_new_order_reject_has_its_ordrejreason(fields: dict[int, str | None], reason: str, words: str) -> None:
    c1 = Client(venue())
    c1.new("dup", "1", "10", "90.00")
    order: dict[int, str | None] = {11: "c2", 55: "ACME", 54: "1", 38: "10", 40: "2", 44: "100.00", 59: "0", 60: T0}
    order.update(fields)
    [rejected] = c1.mine(c1.send("D", [(k, v) for k, v in order.items() if v is not None]))
    assert (rejected[150], rejected[39], rejected[103], rejected[37]) == ("8", "8", reason, "NONE")
    assert (rejected[151], rejected[14], rejected[11]) == ("0", "0", order[11])
    assert words in rejected[58]


def test_a_halted_book_refuses_new_orders_and_replaces_but_still_cancels() -> None:
    app = venue()
    c1 = Client(app)
    c1.new("c1", "1", "10", "99.00")
    book = app.engine.book("ACME")
    assert book is not None
    book.halt()
    [new] = c1.mine(c1.new("c2", "1", "10", "99.00"))
    [replace] = c1.mine(c1.replace("c3", "c1", "20", "99.00"))
    [cancel] = c1.mine(c1.cancel("c4", "c1"))
    assert (new[150], new[103]) == ("8", "2")
    assert (replace[35], replace[434], replace[102], replace[39]) == ("9", "2", "2", "0")
    assert (cancel[150], cancel[39]) == ("4", "4")


def test_cancel_rejects_say_too_late_unknown_order_and_duplicate_clordid() -> None:
    app = venue()
    c1, c2 = Client(app, "C1"), Client(app, "C2")
    c1.new("c1", "1", "10", "99.00")
    c1.new("c2", "1", "10", "98.00")
    c1.cancel("c3", "c1")
    [too_late] = c1.mine(c1.cancel("c4", "c1"))
    [unknown] = c1.mine(c1.cancel("c5", "zz"))
    [duplicate] = c1.mine(c1.replace("c1", "c2", "20", "98.00"))
    [not_yours] = c2.mine(c2.cancel("x1", "c2"))
    assert body(too_late) == [
        (35, "9"), (37, "TST-O1"), (11, "c4"), (41, "c1"), (39, "4"), (434, "1"), (102, "0"),
        (58, "too late: order TST-O1 is already canceled"),
    ]  # fmt: skip
    assert [(m[37], m[39], m[434], m[102]) for m in (unknown, duplicate, not_yours)] == [
        ("NONE", "8", "1", "1"),
        ("TST-O2", "0", "2", "6"),
        ("NONE", "8", "1", "1"),
    ]
    assert tag([unknown, duplicate], 11) == ["c5", "c1"]
