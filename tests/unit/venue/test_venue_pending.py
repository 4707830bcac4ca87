"""Pending states: a venue that acknowledges first and acts after its latency, with the book trading meanwhile."""

from __future__ import annotations

from tests.unit.venue.fix_kit import PENDING, T0, Client, body, tag, venue


def test_a_new_order_is_pending_new_until_released() -> None:
    app = venue(PENDING)
    c1 = Client(app)
    [pending] = c1.mine(c1.new("c1", "1", "10", "99.00", release=False))
    assert body(pending) == [
        (35, "8"), (37, "NONE"), (11, "c1"), (17, "TST-R1"), (150, "A"), (39, "A"),
        (55, "ACME"), (54, "1"), (38, "10"), (40, "2"), (44, "99.00"), (59, "0"),
        (151, "10"), (14, "0"), (6, "0"), (60, T0),
    ]  # fmt: skip
    assert app.held() == 1
    [accepted] = c1.mine(app.release_next("C1"))
    assert (accepted[150], accepted[39], accepted[37]) == ("0", "0", "TST-O1")
    assert (app.held(), app.release_next("C1")) == (0, [])


def test_cancel_and_replace_are_acknowledged_as_pending_under_the_new_clordid() -> None:
    app = venue(PENDING)
    c1 = Client(app)
    c1.new("c1", "1", "10", "99.00")
    [pending_replace] = c1.mine(c1.replace("c2", "c1", "20", "99.10", release=False))
    assert body(pending_replace)[:7] == [
        (35, "8"), (37, "TST-O1"), (11, "c2"), (41, "c1"), (17, "TST-R2"), (150, "E"), (39, "E"),
    ]  # fmt: skip
    assert (pending_replace[38], pending_replace[44], pending_replace[151]) == ("10", "99.00", "10")
    [replaced] = c1.mine(app.release_next("C1"))
    assert (replaced[150], replaced[39], replaced[11], replaced[41], replaced[38]) == ("5", "0", "c2", "c1", "20")
    [pending_cancel] = c1.mine(c1.cancel("c3", "c2", release=False))
    assert (pending_cancel[150], pending_cancel[39], pending_cancel[11], pending_cancel[41]) == ("6", "6", "c3", "c2")
    [canceled] = c1.mine(app.release_next("C1"))
    assert (canceled[150], canceled[39], canceled[11], canceled[41], canceled[151]) == ("4", "4", "c3", "c2", "0")


def test_fills_while_a_replace_is_pending_keep_the_old_clordid_and_say_pending_replace() -> None:
    app = venue(PENDING)
    buyer, seller = Client(app, "C1"), Client(app, "C2")
    buyer.new("b1", "1", "100", "100.00")
    buyer.replace("b2", "b1", "150", "100.00", release=False)
    out = seller.new("s1", "2", "30", "100.00")
    [fill] = buyer.mine(out)
    assert (fill[150], fill[39], fill[11], fill[38], fill[14], fill[151]) == ("F", "E", "b1", "100", "30", "70")
    assert 41 not in fill
    assert app.held() == 1
    [replaced] = buyer.mine(app.release_next("C1"))
    assert (replaced[150], replaced[39], replaced[11], replaced[38], replaced[14], replaced[151]) == (
        "5",
        "1",
        "b2",
        "150",
        "30",
        "120",
    )


def test_a_fill_completing_the_order_beats_the_pending_cancel() -> None:
    app = venue(PENDING)
    buyer, seller = Client(app, "C1"), Client(app, "C2")
    buyer.new("b1", "1", "100", "100.00")
    buyer.cancel("b2", "b1", release=False)
    out = seller.new("s1", "2", "60", "100.00")
    out += seller.new("s2", "2", "40", "100.00")
    assert [(m[39], m[151]) for m in buyer.mine(out)] == [("6", "40"), ("2", "0")]
    [late] = buyer.mine(app.release_next("C1"))
    assert (late[35], late[434], late[102], late[39], late[11], late[41]) == ("9", "1", "0", "2", "b2", "b1")


def test_a_second_request_while_one_is_pending_is_refused_at_once() -> None:
    app = venue(PENDING)
    c1 = Client(app)
    c1.new("c1", "1", "10", "99.00")
    c1.cancel("c2", "c1", release=False)
    [refused] = c1.mine(c1.replace("c3", "c1", "20", "99.00", release=False))
    assert (refused[35], refused[434], refused[102], refused[39], refused[11]) == ("9", "2", "3", "6", "c3")
    assert "already pending cancel" in refused[58]
    assert app.held() == 1
    [canceled] = c1.mine(app.release_next("C1"))
    assert (canceled[150], canceled[11]) == ("4", "c2")


def test_requests_take_effect_in_arrival_order_even_before_the_book_knows_the_order() -> None:
    app = venue(PENDING)
    c1 = Client(app)
    out = c1.new("c1", "1", "10", "99.00", release=False)
    out += c1.cancel("c2", "c1", release=False)
    assert tag(c1.mine(out), 150) == ["A"]  # the book has not seen c1 yet: no pending-cancel ack
    out = app.release_next("C1") + app.release_next("C1")
    assert [(m[150], m[11]) for m in c1.mine(out)] == [("0", "c1"), ("4", "c2")]


def test_a_venue_without_pending_acks_holds_requests_silently() -> None:
    app = venue()
    c1 = Client(app)
    assert c1.new("c1", "1", "10", "99.00", release=False) == []
    assert c1.cancel("c2", "c1", release=False) == []
    out = app.release_next("C1") + app.release_next("C1")
    assert [(m[150], m[39]) for m in c1.mine(out)] == [("0", "0"), ("4", "4")]
