"""Checks on an order's own terms: pass, warn, block, and the price band failing closed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from app.engine.enums import OrdType, Side
from app.engine.risk.verdict import Severity
from tests.support.risk_kit import WARN, Desk

BLOCK = Severity.BLOCK


def test_no_limits_no_findings_and_an_unknown_venue_is_blocked(desk: Desk) -> None:
    assert desk.check().allowed
    verdict = desk.check(destination="NOWHERE")
    assert verdict.severity is BLOCK
    assert verdict.reason == "No session is set up for venue NOWHERE (set up: SIM1)."


def test_max_order_qty_passes_at_the_limit_warns_over_the_soft_one_and_blocks_over_the_hard_one(desk: Desk) -> None:
    desk.limit("max_order_qty", 1000)
    desk.limit("max_order_qty", 500, WARN)
    assert desk.check(qty=Decimal(500)).allowed
    assert desk.rules(qty=Decimal(501)) == {"max_order_qty": WARN}
    verdict = desk.check(qty=Decimal(1500))
    assert verdict.severity is BLOCK
    assert verdict.reason == "Order quantity 1,500 is over the limit of 1,000 for the desk."
    [finding] = verdict.findings
    assert (finding.limit, finding.value) == ("1000", "1,500")


def test_notional_is_said_in_words_with_the_account_that_set_it(desk: Desk) -> None:
    desk.limit("max_order_notional", 1_000_000, account="ACC-1")
    verdict = desk.check(account="ACC-1", qty=Decimal(125_000), limit_px=Decimal(10))
    assert verdict.reason == (
        "Order notional 1,250,000.00 (125,000 at 10) is over the limit of 1,000,000.00 for account ACC-1."
    )
    assert desk.check(account="OTHER", qty=Decimal(125_000)).allowed


def test_a_market_order_is_valued_at_the_far_side_and_blocked_when_it_cannot_be(desk: Desk) -> None:
    desk.limit("max_order_notional", 1000)
    market = {"ord_type": OrdType.MARKET, "limit_px": None, "qty": Decimal(100)}
    assert desk.rules(**market) == {"max_order_notional": BLOCK}  # no quote: fails closed
    desk.quote(bid="9", ask="9.50")
    assert desk.check(**market).allowed  # 100 x 9.50 = 950
    desk.quote(bid="9", ask="11")
    assert desk.rules(**market) == {"max_order_notional": BLOCK}
    assert desk.rules(**market, side=Side.SELL) == {}  # a sell is valued at the bid: 900


def test_the_price_band_passes_inside_warns_and_blocks_outside(desk: Desk) -> None:
    desk.limit("price_band_pct", 10)
    desk.limit("price_band_pct", 5, WARN)
    desk.quote(bid="9.99", ask="10.01")
    assert desk.check(limit_px=Decimal("10.40")).allowed
    assert desk.rules(limit_px=Decimal("10.60")) == {"price_band_pct": WARN}
    verdict = desk.check(limit_px=Decimal("8.50"))
    assert verdict.severity is BLOCK
    assert (
        verdict.reason
    ) == "Price 8.50 is 15.00% from the reference 10.00 for AAPL, outside the band of 10% for the desk."


def test_the_price_band_fails_closed_without_a_quote_or_with_a_stale_one(desk: Desk) -> None:
    desk.limit("price_band_pct", 10)
    assert desk.check().reason == "No reference price has arrived for AAPL."
    desk.quote()
    desk.clock.advance(10)
    assert desk.check().allowed  # the default age limit is 10 s
    desk.clock.advance(5)
    assert desk.check().reason == "The reference price for AAPL is 15 s old; the limit for the desk is 10 s."
    desk.limit("max_quote_age_s", 30, symbol="AAPL")
    assert desk.check().allowed


def test_a_market_order_is_band_checked_at_the_far_side_and_blocked_without_it(desk: Desk) -> None:
    desk.limit("price_band_pct", 5)
    market = {"ord_type": OrdType.MARKET, "limit_px": None}
    desk.quote(bid="9.90", ask="10.10")
    assert desk.check(**market).allowed
    desk.quote(bid="9", ask="12")  # mid 10.50: the ask is 14% away
    assert desk.rules(**market) == {"price_band_pct": BLOCK}
    desk.quote(bid="9.90", ask=None)
    assert "has no ask" in desk.check(**market).reason


def test_the_band_is_off_where_it_is_not_set(desk: Desk) -> None:
    desk.limit("price_band_pct", 5, symbol="MSFT")
    assert desk.check(symbol="AAPL").allowed
    assert desk.rules(symbol="MSFT") == {"price_band_pct": BLOCK}


def test_tick_and_lot_sizes(desk: Desk) -> None:
    desk.limit("tick_size", "0.05", symbol="AAPL")
    desk.limit("lot_size", 100, symbol="AAPL")
    assert desk.check(limit_px=Decimal("10.05"), qty=Decimal(300)).allowed
    verdict = desk.check(limit_px=Decimal("10.03"), qty=Decimal(150))
    assert {f.rule for f in verdict.findings} == {"tick_size", "lot_size"}
    assert verdict.reason == "Limit price 10.03 is not a multiple of the tick size 0.05 for symbol AAPL."
    stop = {"ord_type": OrdType.STOP, "limit_px": None, "stop_px": Decimal("10.01")}
    assert desk.rules(**stop) == {"tick_size": BLOCK}


def test_the_restricted_list_blocks_or_warns_with_its_reason(desk: Desk) -> None:
    desk.limit("restricted", "Pending merger news; compliance hold", symbol="AAPL")
    desk.limit("restricted", "On the watch list", WARN, symbol="MSFT")
    assert (
        desk.check(symbol="AAPL").reason == "AAPL is restricted for symbol AAPL: Pending merger news; compliance hold."
    )
    assert desk.rules(symbol="MSFT") == {"restricted": WARN}
    assert desk.check(symbol="IBM").allowed


def test_market_hours_per_venue_block_when_closed_and_say_when_it_opens(desk: Desk) -> None:
    desk.limit("market_hours", "09:30-16:00 America/New_York weekdays", venue="SIM1")
    assert desk.check().allowed  # FakeClock starts Monday 14:30 UTC = 09:30 New York
    desk.clock.advance(timedelta(hours=7).total_seconds())
    verdict = desk.check()
    assert verdict.rule == "market_hours"
    assert "it next opens 2026-01-06 14:30 UTC" in verdict.reason
    desk.clock.advance(timedelta(hours=17).total_seconds())  # Tuesday 14:30 UTC: open again
    assert desk.check().allowed


def test_every_finding_is_listed_blocks_first_in_the_reason(desk: Desk) -> None:
    desk.limit("max_order_qty", 50, WARN)
    desk.limit("lot_size", 1000)
    verdict = desk.check(qty=Decimal(100))
    assert [f.severity for f in verdict.findings] == [BLOCK, WARN]
    assert verdict.rule == "lot_size"
