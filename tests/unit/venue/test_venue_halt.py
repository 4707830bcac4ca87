"""A symbol halted at the venue: new orders and replaces refused as halted, resting orders kept and unmatched,
cancels still work, market data says so (35=f, 326); after the resume it trades again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from app.engine.clock import FakeClock
from app.engine.fix import FixMessage
from app.engine.fix.values import FixValue
from app.venue.book import OrderBook
from app.venue.faults import parse_script
from app.venue.market_maker import MarketMaker, QuoteShape
from app.venue.orders import OwnerId
from app.venue.simulator import Faults, SimulatedVenue
from tests.support.fix_script import session_config
from tests.unit.venue.fix_kit import QUIET, Client, venue

TYPES: list[tuple[int, FixValue]] = [(267, 2), (269, "0"), (269, "1")]


def _subscribe(client: Client, req_id: str, *symbols: str, kind: str = "1") -> list[FixMessage]:
    fields: list[tuple[int, FixValue]] = [(262, req_id), (263, kind), (264, 1), *TYPES]
    fields += [(146, len(symbols)), *((55, s) for s in symbols)]
    return client.mine(client.send("V", fields))


def _types(msgs: Sequence[FixMessage]) -> list[str]:
    return [m.msg_type for m in msgs]


def test_a_halt_refuses_new_orders_and_replaces_with_the_halted_reason_but_cancels_work() -> None:
    app = venue()
    trader = Client(app, "C1")
    trader.new("a1", "1", "10", "99.00")
    trader.new("a2", "1", "10", "98.00")
    app.halt("ACME")
    [refused] = trader.mine(trader.new("a3", "1", "10", "99.00"))
    assert (refused[150], refused[39], refused[103]) == ("8", "8", "2")  # OrdRejReason 2: exchange closed / halt
    assert "ACME is halted" in refused[58]
    [no_replace] = trader.mine(trader.replace("a1r", "a1", "20", "99.00"))
    assert (no_replace.msg_type, no_replace[434], no_replace[102]) == ("9", "2", "2")
    [canceled] = trader.mine(trader.cancel("a2c", "a2"))
    assert (canceled[150], canceled[39]) == ("4", "4")
    [other] = trader.mine(trader.new("b1", "1", "10", "10.00", symbol="BOLT"))
    assert other[150] == "0"  # only the halted symbol stops


def test_resting_orders_stay_through_a_halt_and_match_again_after_the_resume() -> None:
    app = venue()
    seller, buyer = Client(app, "C1"), Client(app, "C2")
    seller.new("s1", "2", "10", "100.00")
    app.halt("ACME")
    [refused] = buyer.mine(buyer.new("b1", "1", "10", "100.00"))
    assert refused[150] == "8"
    book = app.engine.book("ACME")
    assert book is not None
    assert book.depth(1)[1] == [(Decimal("100.00"), Decimal(10))]  # the offer is still there
    app.resume("ACME")
    [ack, fill] = buyer.mine(buyer.new("b2", "1", "10", "100.00"))
    assert (ack[150], fill[150], fill[31]) == ("0", "F", "100.00")


def test_market_data_subscribers_hear_the_halt_and_the_resume_as_security_status() -> None:
    app = venue()
    md = Client(app, "MD")
    _subscribe(md, "r1", "ACME")
    [halted] = md.mine(app.halt("ACME"))
    assert halted.msg_type == "f"
    assert (halted[55], halted[325], halted[326]) == ("ACME", "Y", "2")
    assert "halted" in halted[58]
    assert app.halt("ACME") == []  # already halted: nothing new to say
    assert app.halt("ZZZZ") == []  # not listed here
    [resumed] = md.mine(app.resume("ACME"))
    assert (resumed.msg_type, resumed[55], resumed[326]) == ("f", "ACME", "3")
    assert app.resume("ACME") == []
    assert app.halt("BOLT") == []  # no one subscribes to BOLT


def test_a_snapshot_of_a_halted_symbol_is_followed_by_its_status() -> None:
    app = venue()
    app.halt("BOLT")
    md = Client(app, "MD")
    answers = _subscribe(md, "r1", "ACME", "BOLT", kind="0")
    assert _types(answers) == ["W", "W", "f"]
    assert (answers[2][55], answers[2][325], answers[2][326]) == ("BOLT", "N", "2")


def test_a_market_maker_stands_still_while_its_book_is_halted() -> None:
    book = OrderBook("ACME", Decimal("0.01"), Decimal(1))
    maker = MarketMaker(book, OwnerId("MM"), 3, Decimal(100), QuoteShape(levels=2))
    maker.quote()
    before = book.depth(5)
    book.halt()
    assert maker.step() == []
    assert book.depth(5) == before
    book.resume()
    assert maker.step() != []


def test_a_fault_scripts_time_rules_halt_and_resume_the_symbol_at_the_venue_they_aim_at() -> None:
    clock = FakeClock()
    script = parse_script("venue SIMA: at 5s: halt ACME\nvenue SIMA: at 20s: resume ACME\nvenue SIMZ: at 1s: halt BOLT")
    sim = SimulatedVenue(replace(QUIET, name="SIMA"), [session_config("SIMA", "OEMS", "SIMA")], clock, Faults(script))
    wire = sim.served["SIMA"].wire
    assert wire is not None
    book = sim.app.engine.book("ACME")
    assert book is not None
    halted = []
    for seconds in (4, 1, 14, 1):
        clock.advance(seconds)
        wire.fire()
        halted.append(book.halted)
    assert halted == [False, True, True, False]
    bolt = sim.app.engine.book("BOLT")
    assert bolt is not None
    assert not bolt.halted  # that rule aims at another venue
