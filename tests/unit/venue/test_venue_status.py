"""Status and mass requests: 35=H, 35=AF and 35=q, answered per FIX 4.4."""

from __future__ import annotations

from app.venue.venue_app import VenueApplication
from tests.unit.venue.fix_kit import T0, Client, body, tag, venue


def _desk() -> tuple[VenueApplication, Client, Client]:
    """C1 with three live orders (two ACME, one BOLT) and a filled one; C2 with one live order."""
    app = venue()
    c1, c2 = Client(app, "C1"), Client(app, "C2")
    c1.new("a1", "1", "100", "99.00")
    c1.new("a2", "2", "50", "101.00")
    c1.new("b1", "1", "10", "9.00", symbol="BOLT")
    c1.new("f1", "1", "10", "100.00")
    c2.new("z1", "2", "10", "100.00")
    c2.new("z2", "2", "10", "102.00")
    return app, c1, c2


def test_a_status_request_restates_the_order_with_exectype_i() -> None:
    _, c1, _ = _desk()
    [status] = c1.mine(c1.send("H", [(11, "a2"), (55, "ACME"), (54, "2"), (790, "st-1")]))
    assert body(status) == [
        (35, "8"), (37, "TST-O2"), (11, "a2"), (17, "TST-R1"), (150, "I"), (39, "0"),
        (55, "ACME"), (54, "2"), (38, "50"), (40, "2"), (44, "101.00"), (59, "0"),
        (151, "50"), (14, "0"), (6, "0"), (60, T0), (790, "st-1"),
    ]  # fmt: skip
    [filled] = c1.mine(c1.send("H", [(11, "f1"), (55, "ACME"), (54, "1"), (37, "TST-O4")]))
    assert (filled[150], filled[39], filled[14], filled[151], filled[6]) == ("I", "2", "10", "0", "100.00")


def test_a_status_request_for_an_unknown_order_says_so_with_ordstatus_8() -> None:
    _, c1, c2 = _desk()
    [unknown] = c1.mine(c1.send("H", [(11, "nope"), (55, "ACME"), (54, "1"), (790, "st-2")]))
    [not_yours] = c2.mine(c2.send("H", [(11, "a1"), (55, "ACME"), (54, "1")]))
    [no_symbol] = c1.mine(c1.send("H", [(11, "a1"), (55, "NOPE"), (54, "1")]))
    assert body(unknown) == [
        (35, "8"), (37, "NONE"), (11, "nope"), (17, "TST-R1"), (150, "I"), (39, "8"), (55, "ACME"), (54, "1"),
        (151, "0"), (14, "0"), (6, "0"), (60, T0),
        (58, "no order with ClOrdID nope in ACME for this session"), (790, "st-2"),
    ]  # fmt: skip
    assert tag([not_yours, no_symbol], 39) == ["8", "8"]


def test_a_mass_status_reports_each_live_order_of_the_session_and_flags_the_last() -> None:
    _, c1, _ = _desk()
    reports = c1.mine(c1.send("AF", [(584, "ms-1"), (585, "7")]))
    assert [(m[150], m[11], m[39]) for m in reports] == [("I", "a1", "0"), ("I", "a2", "0"), ("I", "b1", "0")]
    assert tag(reports, 584) == ["ms-1"] * 3
    assert tag(reports, 911) == ["3"] * 3
    assert tag(reports, 912) == [None, None, "Y"]
    assert len(set(tag(reports, 17))) == 3


def test_a_mass_status_by_symbol_and_one_with_nothing_to_report() -> None:
    app, c1, _ = _desk()
    bolt = c1.mine(c1.send("AF", [(584, "ms-2"), (585, "1"), (55, "BOLT")]))
    assert [(m[11], m[912]) for m in bolt] == [("b1", "Y")]
    c3 = Client(app, "C3")
    [empty] = c3.mine(c3.send("AF", [(584, "ms-3"), (585, "7")]))
    assert (empty[150], empty[39], empty[37], empty[911], empty[912], empty[584]) == (
        "I",
        "8",
        "NONE",
        "0",
        "Y",
        "ms-3",
    )


def test_a_mass_cancel_of_all_orders_reports_the_count_then_each_cancel() -> None:
    app, c1, c2 = _desk()
    out = c1.send("q", [(11, "kill-1"), (530, "7"), (60, T0)])
    [report, *cancels] = c1.mine(out)
    assert body(report) == [(35, "r"), (11, "kill-1"), (37, "TST-R1"), (530, "7"), (531, "7"), (533, "3")]
    assert [(m[150], m[39], m[11], m[151]) for m in cancels] == [
        ("4", "4", "a1", "0"),
        ("4", "4", "a2", "0"),
        ("4", "4", "b1", "0"),
    ]
    assert tag(cancels, 58) == ["canceled by a mass cancel"] * 3
    assert c2.mine(out) == []
    book = app.engine.book("ACME")
    assert book is not None
    assert [o.cl_ord_id for o in book.open_orders()] == ["z2"]


def test_a_mass_cancel_by_symbol_leaves_other_symbols_alone() -> None:
    _, c1, _ = _desk()
    [report, cancel] = c1.mine(c1.send("q", [(11, "kill-2"), (530, "1"), (55, "BOLT"), (60, T0)]))
    assert (report[531], report[533], report[55], report.get(54)) == ("1", "1", "BOLT", None)
    assert cancel[11] == "b1"


def test_a_mass_cancel_the_venue_cannot_do_is_refused_in_the_report() -> None:
    _, c1, _ = _desk()
    [unknown] = c1.mine(c1.send("q", [(11, "k3"), (530, "1"), (55, "NOPE"), (60, T0)]))
    [unnamed] = c1.mine(c1.send("q", [(11, "k4"), (530, "1"), (60, T0)]))
    [by_product] = c1.mine(c1.send("q", [(11, "k5"), (530, "3"), (60, T0)]))
    assert [(m[531], m[532], m[533]) for m in (unknown, unnamed, by_product)] == [
        ("0", "1", "0"),
        ("0", "1", "0"),
        ("0", "0", "0"),
    ]
    assert "does not list NOPE" in unknown[58]
    assert "not by scope 3" in by_product[58]


def test_a_mass_status_naming_a_side_reports_only_that_sides_orders() -> None:
    _, c1, _ = _desk()
    sells = c1.mine(c1.send("AF", [(584, "ms-4"), (585, "7"), (54, "2")]))
    assert [(m[11], m[54], m[911], m[912]) for m in sells] == [("a2", "2", "1", "Y")]
    [none] = c1.mine(c1.send("AF", [(584, "ms-5"), (585, "1"), (55, "BOLT"), (54, "2")]))
    assert (none[39], none[911], none[54]) == ("8", "0", "2")


def test_a_mass_cancel_naming_a_side_cancels_only_that_side() -> None:
    app, c1, _ = _desk()
    [report, *cancels] = c1.mine(c1.send("q", [(11, "kill-5"), (530, "7"), (54, "1"), (60, T0)]))
    assert body(report) == [(35, "r"), (11, "kill-5"), (37, "TST-R1"), (530, "7"), (531, "7"), (533, "2"), (54, "1")]
    assert [m[11] for m in cancels] == ["a1", "b1"]
    book = app.engine.book("ACME")
    assert book is not None
    assert [o.cl_ord_id for o in book.open_orders()] == ["a2", "z2"]


def test_a_new_order_still_held_is_pending_new_to_a_status_and_a_mass_status_request() -> None:
    """A new order received but not yet in the book (the venue's ack latency: an order resent at logon, say) is
    pending new (39=A), not unknown: a desk told 39=8 would take an order the venue goes on to work for refused."""
    app = venue()
    c1, c2 = Client(app, "C1"), Client(app, "C2")
    c1.new("a1", "1", "100", "99.00")
    c1.new("h1", "2", "30", "101.00", release=False)
    [status] = c1.mine(c1.send("H", [(11, "h1"), (55, "ACME"), (54, "2")], release=False))
    assert (status[150], status[39], status[37], status[151], status[14]) == ("I", "A", "NONE", "30", "0")
    [other] = c2.mine(c2.send("H", [(11, "h1"), (55, "ACME"), (54, "2")], release=False))
    assert other[39] == "8"
    reports = c1.mine(c1.send("AF", [(584, "m1"), (585, "7")], release=False))
    assert [(m[11], m[39]) for m in reports] == [("a1", "0"), ("h1", "A")]
    by_symbol = c1.mine(c1.send("AF", [(584, "m2"), (585, "1"), (55, "BOLT")], release=False))
    assert [m[39] for m in by_symbol] == ["8"]
    app.release_next("C1")
    [worked] = c1.mine(c1.send("H", [(11, "h1"), (55, "ACME"), (54, "2")]))
    assert (worked[39], worked[37]) == ("0", "TST-O2")
