"""Checks against the book: worst-case position, credit, rates and duplicates, and amends up and down."""

from __future__ import annotations

from decimal import Decimal

from app.engine.commands import CancelOrder
from app.engine.enums import OrdType, Side
from app.engine.events import ReplaceDenied
from app.engine.order import Amendment
from app.engine.risk.verdict import Severity
from tests.support.engine_kit import SUPERVISOR, TRADER
from tests.support.risk_kit import WARN, Desk

BLOCK = Severity.BLOCK


def test_worst_case_long_counts_the_position_working_buys_and_the_order(desk: Desk) -> None:
    desk.limit("max_long", 1000, account="ACC1")
    desk.limit("max_long", 800, WARN, account="ACC1")
    filled = desk.working(qty=Decimal(400))
    desk.fill(filled, 400)
    desk.working(qty=Decimal(300))
    assert desk.check(qty=Decimal(100)).allowed  # 400 + 300 + 100 = 800
    assert desk.rules(qty=Decimal(200)) == {"max_long": WARN}
    verdict = desk.check(qty=Decimal(400))
    assert verdict.reason == (
        "Worst-case long position 1,100 (position 400 + working buys 300 + this order 400) "
        "is over the limit of 1,000 for account ACC1."
    )
    assert desk.check(qty=Decimal(400), side=Side.SELL).allowed  # selling does not add to the long


def test_worst_case_short_counts_working_sells_against_the_position(desk: Desk) -> None:
    desk.limit("max_short", 500)
    long = desk.working(qty=Decimal(200))
    desk.fill(long, 200)
    desk.working(qty=Decimal(300), side=Side.SELL)
    assert desk.check(qty=Decimal(400), side=Side.SELL_SHORT).allowed  # 300 + 400 - 200 = 500
    assert desk.rules(qty=Decimal(401), side=Side.SELL) == {"max_short": BLOCK}


def test_a_canceled_or_filled_order_stops_counting_as_working(desk: Desk) -> None:
    desk.limit("max_long", 500)
    order_id = desk.working(qty=Decimal(400))
    assert not desk.check(qty=Decimal(200)).allowed
    desk.engine.cancel(CancelOrder(order_id, TRADER))
    assert not desk.check(qty=Decimal(200)).allowed  # pending cancel: it may still fill
    venue = desk.venue_orders[order_id]
    desk.engine.apply_venue_messages([venue.canceled(desk.last_cl_ord_id(order_id))])
    assert desk.check(qty=Decimal(200)).allowed


def test_worst_case_position_lets_buys_cover_a_short_and_sells_sell_a_long(desk: Desk) -> None:
    short = desk.working(qty=Decimal(500), side=Side.SELL_SHORT)
    desk.fill(short, 500)  # short 500
    desk.limit("max_long", 300)
    desk.limit("max_short", 300)
    desk.working(qty=Decimal(500))  # a working buy that only covers it
    assert desk.check(qty=Decimal(300)).allowed  # -500 + 500 + 300 = long 300 at worst
    assert desk.rules(qty=Decimal(301)) == {"max_long": BLOCK}
    assert desk.rules(qty=Decimal(1), side=Side.SELL) == {"max_short": BLOCK}  # the short is 500 if no buy fills


def test_credit_counts_working_buys_at_their_price_and_market_buys_at_the_ask(desk: Desk) -> None:
    desk.limit("credit", 10_000, account="ACC1")
    desk.working(qty=Decimal(500), limit_px=Decimal(10))  # 5,000
    assert desk.check(qty=Decimal(500), limit_px=Decimal(10)).allowed
    verdict = desk.check(qty=Decimal(501), limit_px=Decimal(10))
    assert verdict.reason == (
        "Buying power used 10,010.00 (AAPL at worst 10,010.00, the larger of long 10,010.00 if only its buys fill "
        "and short 0.00 if only its sells fill, this order included) is over the limit of 10,000.00 for account ACC1."
    )
    desk.quote(bid="9", ask="10")
    desk.working(qty=Decimal(200), ord_type=OrdType.MARKET, limit_px=None)  # 2,000 at the ask
    assert desk.check(qty=Decimal(300)).allowed
    assert desk.rules(qty=Decimal(301)) == {"credit": BLOCK}
    desk.prices.update([])
    desk.quote(bid="9", ask="20")  # the working market buy is now worth 4,000
    assert desk.rules(qty=Decimal(101)) == {"credit": BLOCK}


def test_credit_counts_filled_positions_at_average_cost_and_sums_the_symbols(desk: Desk) -> None:
    desk.limit("credit", 1_500, account="ACC1")
    desk.quote()
    first = desk.working(qty=Decimal(100), limit_px=Decimal(10))
    desk.fill(first, 100, px=10)  # 1,000 held at cost
    verdict = desk.check(qty=Decimal(100), limit_px=Decimal(10), symbol="MSFT")
    assert verdict.reason == (
        "Buying power used 2,000.00 (MSFT at worst 1,000.00, the larger of long 1,000.00 if only its buys fill and "
        "short 0.00 if only its sells fill, this order included; other symbols 1,000.00) is over the limit of "
        "1,500.00 for account ACC1."
    )
    assert desk.check(qty=Decimal(50), limit_px=Decimal(10)).allowed
    assert desk.check(qty=Decimal(100), limit_px=Decimal(10), account="ACC2").allowed  # another account's credit


def test_five_filled_buys_leave_no_credit_for_a_sixth(desk: Desk) -> None:
    desk.limit("credit", 5_500, account="ACC1")
    for _ in range(5):
        order_id = desk.working(qty=Decimal(100), limit_px=Decimal(10))
        desk.fill(order_id, 100, px=10)
    assert not desk.submit(qty=Decimal(100), limit_px=Decimal(10)).accepted


def test_a_sell_through_a_long_uses_credit_only_when_the_short_it_leaves_is_worse_than_the_long(desk: Desk) -> None:
    desk.limit("credit", 1_500, account="ACC1")
    desk.quote()  # marked at 10
    bought = desk.working(qty=Decimal(100), limit_px=Decimal(10))
    desk.fill(bought, 100, px=10)  # long 100: 1,000 at cost
    assert desk.check(qty=Decimal(100), side=Side.SELL, limit_px=Decimal(10)).allowed  # closes the long
    assert desk.check(qty=Decimal(250), side=Side.SELL, limit_px=Decimal(10)).allowed  # short 150 at worst: 1,500
    verdict = desk.check(qty=Decimal(260), side=Side.SELL, limit_px=Decimal(10))
    assert verdict.reason == (
        "Buying power used 1,600.00 (AAPL at worst 1,600.00, the larger of long 1,000.00 if only its buys fill and "
        "short 1,600.00 if only its sells fill, this order included) is over the limit of 1,500.00 for account ACC1."
    )
    desk.working(qty=Decimal(100), side=Side.SELL, limit_px=Decimal(10))  # a working sell of the whole long
    assert desk.check(qty=Decimal(150), side=Side.SELL, limit_px=Decimal(10)).allowed
    assert desk.rules(qty=Decimal(151), side=Side.SELL, limit_px=Decimal(10)) == {"credit": BLOCK}


def test_a_held_short_is_valued_at_the_mark_and_a_buy_that_covers_it_uses_no_credit(desk: Desk) -> None:
    desk.limit("credit", 1_500, account="ACC1")
    desk.quote()  # marked at 10
    sold = desk.working(qty=Decimal(100), side=Side.SELL, limit_px=Decimal(10))
    desk.fill(sold, 100, px=10)  # short 100 at 10: 1,000 at the mark
    assert desk.check(qty=Decimal(50), side=Side.SELL, limit_px=Decimal(10)).allowed  # short 150: 1,500
    assert desk.rules(qty=Decimal(51), side=Side.SELL, limit_px=Decimal(10)) == {"credit": BLOCK}
    assert desk.check(qty=Decimal(100), limit_px=Decimal(10)).allowed  # covers the short
    assert desk.check(qty=Decimal(250), limit_px=Decimal(10)).allowed  # long 150 if it fills, short 100 if not
    assert desk.rules(qty=Decimal(251), limit_px=Decimal(10)) == {"credit": BLOCK}
    desk.quote(bid="14.99", ask="15.01")  # the short now costs 100 x 15 = 1,500 to buy back, not its 1,000 cost
    assert desk.rules(qty=Decimal(1), side=Side.SELL, limit_px=Decimal(10)) == {"credit": BLOCK}
    desk.prices.update([])
    desk.quote(bid=None, ask=None, last=None)
    verdict = desk.check(qty=Decimal(1), limit_px=Decimal(10), symbol="MSFT")
    assert verdict.reason.endswith("the short in AAPL has no quote to value it at.")  # fails closed


def test_working_short_sales_are_valued_at_their_price_above_the_mark_until_canceled(desk: Desk) -> None:
    desk.limit("credit", 2_000, account="ACC1")
    desk.quote()  # marked at 10
    short = desk.working(qty=Decimal(100), side=Side.SELL_SHORT, limit_px=Decimal(12))  # 100 x 12 = 1,200
    assert desk.check(qty=Decimal(80), limit_px=Decimal(10), symbol="MSFT").allowed  # 800 + 1,200
    verdict = desk.check(qty=Decimal(81), limit_px=Decimal(10), symbol="MSFT")
    assert verdict.reason == (
        "Buying power used 2,010.00 (MSFT at worst 810.00, the larger of long 810.00 if only its buys fill and "
        "short 0.00 if only its sells fill, this order included; other symbols 1,200.00) is over the limit of "
        "2,000.00 for account ACC1."
    )
    assert desk.check(qty=Decimal(200), limit_px=Decimal(10)).allowed  # long 200 if it fills, short 100 if not
    assert desk.rules(qty=Decimal(67), side=Side.SELL_SHORT, limit_px=Decimal(12)) == {"credit": BLOCK}  # 167 x 12
    assert desk.check(qty=Decimal(81), limit_px=Decimal(10), account="ACC2").allowed  # another account's credit
    desk.quote(bid="12.99", ask="13.01")  # the mark passes the sells' price: 100 x 13 = 1,300
    assert desk.rules(qty=Decimal(71), limit_px=Decimal(10), symbol="MSFT") == {"credit": BLOCK}
    desk.engine.cancel(CancelOrder(short, TRADER))
    desk.engine.apply_venue_messages([desk.venue_orders[short].canceled(desk.last_cl_ord_id(short))])
    assert desk.check(qty=Decimal(200), limit_px=Decimal(10), symbol="MSFT").allowed


def test_a_working_market_short_sale_is_valued_at_the_mark(desk: Desk) -> None:
    desk.limit("credit", 2_000, account="ACC1")
    desk.quote(bid="10", ask="10.02")  # marked at 10.01
    desk.working(qty=Decimal(100), side=Side.SELL_SHORT, ord_type=OrdType.MARKET, limit_px=None)  # 1,001
    assert desk.check(qty=Decimal(99), limit_px=Decimal(10), symbol="MSFT").allowed
    assert desk.rules(qty=Decimal(100), limit_px=Decimal(10), symbol="MSFT") == {"credit": BLOCK}


def test_an_amended_short_sale_is_not_counted_twice(desk: Desk) -> None:
    desk.limit("credit", 2_000, account="ACC1")
    desk.quote()
    short = desk.working(qty=Decimal(150), side=Side.SELL_SHORT, limit_px=Decimal(10))
    verdict = desk.gate.check_amend(
        desk.engine.ledger.orders[short], Amendment(Decimal(200), Decimal(10)), desk.engine.book
    )
    assert verdict.allowed  # 2,000: its own stake is replaced by its new terms, not added to them
    verdict = desk.gate.check_amend(
        desk.engine.ledger.orders[short], Amendment(Decimal(201), Decimal(10)), desk.engine.book
    )
    assert {f.rule for f in verdict.findings} == {"credit"}


def test_the_order_rate_is_a_sliding_window_per_trader(desk: Desk) -> None:
    desk.limit("order_rate", 3)
    desk.limit("rate_window_s", 2)
    for _ in range(3):
        assert desk.submit().accepted
        desk.clock.advance(0.5)
    verdict = desk.check()
    assert verdict.reason == (
        "trader1 has sent 3 new orders in the last 2 s; the limit is 3 for the desk. Wait a moment and send again."
    )
    assert desk.check(trader="trader2").allowed
    desk.clock.advance(0.6)  # the first order is now more than 2 s old
    assert desk.check().allowed


def test_the_message_rate_counts_amends_and_cancels_but_never_blocks_a_cancel(desk: Desk) -> None:
    desk.limit("message_rate", 3)
    order_id = desk.working()
    assert desk.amend(order_id, 200).accepted
    venue = desk.venue_orders[order_id]
    desk.engine.apply_venue_messages([venue.replaced(desk.last_cl_ord_id(order_id), 200)])
    assert desk.engine.cancel(CancelOrder(order_id, TRADER)).accepted
    assert desk.rules() == {"message_rate": BLOCK}
    desk.clock.advance(1)
    assert desk.check().allowed


def test_a_duplicate_order_warns_within_its_window(desk: Desk) -> None:
    desk.limit("duplicate_window_s", 5, WARN)
    assert desk.submit().accepted
    desk.clock.advance(3)
    verdict = desk.check()
    assert verdict.severity is WARN
    assert verdict.reason == (
        "The same order (buy 100 AAPL at 10) was sent 3 s ago; orders alike within 5 s for the desk may be duplicates."
    )
    assert desk.check(qty=Decimal(101)).allowed
    assert desk.check(limit_px=Decimal("10.01")).allowed
    desk.clock.advance(2)
    assert desk.check().allowed


def test_the_rate_window_starts_again_at_the_trading_day_roll(desk: Desk) -> None:
    desk.limit("order_rate", 2)
    desk.limit("rate_window_s", 10)
    desk.limit("trading_day_roll", "14:31 UTC")  # the clock starts at 14:30:00
    desk.clock.advance(57)
    for _ in range(2):
        assert desk.submit().accepted
        desk.clock.advance(1)
    assert desk.rules() == {"order_rate": BLOCK}  # 14:30:59: both still in the window and the day
    desk.clock.advance(1)  # 14:31:00, the roll: both were sent in the trading day before
    assert desk.check().allowed
    assert desk.submit().accepted
    assert desk.submit().accepted
    assert desk.rules() == {"order_rate": BLOCK}  # the new day's own orders count as ever


def test_the_same_order_just_before_the_roll_is_not_a_duplicate_after_it(desk: Desk) -> None:
    desk.limit("duplicate_window_s", 30, WARN)
    desk.limit("trading_day_roll", "14:31 UTC")
    desk.clock.advance(55)
    assert desk.submit().accepted
    desk.clock.advance(4)  # 14:30:59
    assert desk.check().severity is WARN
    desk.clock.advance(1)  # 14:31:00: yesterday's order, today's is a new one
    assert desk.check().allowed


def test_an_amend_up_is_checked_on_its_new_terms_without_counting_itself_twice(desk: Desk) -> None:
    desk.limit("max_long", 1000)
    order_id = desk.working(qty=Decimal(600))
    assert desk.amend(order_id, 1000).accepted  # its own 600 is replaced, not added
    venue = desk.venue_orders[order_id]
    desk.engine.apply_venue_messages([venue.replaced(desk.last_cl_ord_id(order_id), 1000)])
    result = desk.amend(order_id, 1001)
    assert not result.accepted
    assert "Worst-case long position 1,001" in result.message
    assert desk.engine.ledger.orders[order_id].qty == Decimal(1000)


def test_an_amend_down_is_never_blocked_by_a_stale_price_or_a_lowered_limit(desk: Desk) -> None:
    desk.limit("price_band_pct", 5)
    desk.quote()
    order_id = desk.working(qty=Decimal(600))
    desk.limit("max_order_qty", 100)
    desk.clock.advance(60)  # the quote is stale now
    assert desk.amend(order_id, 500, "10").accepted
    venue = desk.venue_orders[order_id]
    desk.engine.apply_venue_messages([venue.replaced(desk.last_cl_ord_id(order_id), 500)])
    assert desk.amend(order_id, 500, "9.50").accepted  # a buy further from the market takes risk away too


def test_an_amend_to_a_more_aggressive_price_is_band_checked_and_fails_closed(desk: Desk) -> None:
    desk.limit("price_band_pct", 5)
    desk.quote()
    order_id = desk.working()
    desk.clock.advance(60)
    result = desk.amend(order_id, 100, "10.20")
    assert not result.accepted
    assert result.message == "The reference price for AAPL is 60 s old; the limit for the desk is 10 s."
    assert desk.kinds()[-2:] == ["RiskFlagged", "ReplaceDenied"]
    [denied] = desk.events(ReplaceDenied)
    assert (denied.order_id, denied.rule, denied.reason) == (order_id, "price_band_pct", result.message)


def test_a_soft_rate_limit_warns_before_the_hard_one_blocks(desk: Desk) -> None:
    desk.limit("order_rate", 3)
    desk.limit("order_rate", 2, WARN)
    desk.limit("message_rate", 3, WARN)
    desk.limit("rate_window_s", 10)
    assert desk.submit().accepted
    assert desk.check().allowed
    assert desk.submit(qty=Decimal(101)).accepted
    verdict = desk.check()
    assert (verdict.severity, verdict.rule) == (WARN, "order_rate")
    assert verdict.reason == "trader1 has sent 2 new orders in the last 10 s; the soft limit is 2 for the desk."
    assert desk.submit(SUPERVISOR, "client asked for a third", qty=Decimal(102), trader=TRADER).accepted
    assert desk.rules() == {"order_rate": BLOCK, "message_rate": WARN}
