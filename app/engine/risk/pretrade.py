"""The desk's pre-trade gate: every check, in order, on every new order and every amend that adds risk.

``PreTradeGate`` runs the destination check and then each rule below, and returns ALL their findings
(the ticket lists them): hard blocks deny; warnings deny unless overridden (app/engine/risk/override.py).
Limits come from the book's ``Limits`` view, most specific scope first (account, trader, symbol, venue;
see app/engine/risk/limit_keys.py), so every rule is configurable per account, trader and symbol, and
a rule whose limit is not set finds nothing.

An amend is judged on its new terms. An amend that only takes risk away (no more quantity, prices the
same or further from the market, stop unchanged) is checked only for tick and lot size: a decrease in
risk is never blocked by a stale price, a rate or a limit lowered since the order went out.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING

from app.engine.clock import Clock
from app.engine.enums import Side
from app.engine.order import Amendment, Order, OrderSpec
from app.engine.prices import Quote, ReferencePrices
from app.engine.risk.accounts import KnownAccountCheck
from app.engine.risk.checks_book import CREDIT, MAX_LONG, MAX_SHORT, DuplicateCheck, RateCheck
from app.engine.risk.checks_terms import (
    MAX_ORDER_NOTIONAL,
    MAX_ORDER_QTY,
    LotSizeCheck,
    MarketHoursCheck,
    PriceBandCheck,
    RestrictedCheck,
    TickSizeCheck,
)
from app.engine.risk.contract import DestinationGate
from app.engine.risk.intent import Check, Context, Intent
from app.engine.risk.limits import Applied
from app.engine.risk.verdict import Finding, Verdict

if TYPE_CHECKING:
    from app.engine.projections import Projections


def reduces_risk(order: Order, amendment: Amendment) -> bool:
    """Whether ``amendment`` only takes risk away: no more quantity, no more aggressive limit, same stop."""
    if amendment.qty > order.qty or amendment.stop_px != order.stop_px:
        return False
    old, new = order.limit_px, amendment.limit_px
    if old is None or new is None:
        return old == new
    return new <= old if order.spec.side is Side.BUY else new >= old


class PreTradeGate:
    """Every check of issue 5's gate, over the book the engine passes in and the reference ``prices``."""

    def __init__(
        self, destinations: Collection[str], prices: ReferencePrices, clock: Clock, accounts: Collection[str] = ()
    ) -> None:
        """``accounts``: the desk's accounts besides those its limits name (any other account is blocked)."""
        self.destinations = DestinationGate(destinations)
        self.prices, self.clock = prices, clock
        self.form_checks: tuple[Check, ...] = (TickSizeCheck(), LotSizeCheck())
        self.checks: tuple[Check, ...] = (
            KnownAccountCheck(accounts),
            RestrictedCheck(),
            MarketHoursCheck(),
            *self.form_checks,
            PriceBandCheck(),
            MAX_ORDER_QTY,
            MAX_ORDER_NOTIONAL,
            MAX_LONG,
            MAX_SHORT,
            CREDIT,
            RateCheck("order_rate", orders=True),
            RateCheck("message_rate", orders=False),
            DuplicateCheck(),
        )

    def check_new(self, spec: OrderSpec, book: Projections) -> Verdict:
        """Every finding against a new order."""
        found = self.destinations.finding(spec.destination)
        return self._judge(Intent.new(spec), book, self.checks, [found] if found else [])

    def check_amend(self, order: Order, amendment: Amendment, book: Projections) -> Verdict:
        """Every finding against a working order's new terms (only the form of a risk-reducing amend)."""
        checks = self.form_checks if reduces_risk(order, amendment) else self.checks
        return self._judge(Intent.amend(order, amendment), book, checks, [])

    def _judge(self, intent: Intent, book: Projections, checks: tuple[Check, ...], found: list[Finding]) -> Verdict:
        ctx = self._context(intent, book)
        for check in checks:
            finding = check.check(intent, ctx)
            if finding is not None:
                found.append(finding)
        return Verdict.of(found)

    def _context(self, intent: Intent, book: Projections) -> Context:
        limits = book.limits.for_order(intent.spec)
        now = self.clock.now()
        quote = self.prices.quote(intent.spec.symbol)
        max_age = limits.get("max_quote_age_s")
        stale = staleness(intent.spec.symbol, quote, max_age, now)
        price = intent.own_price
        if price is None and quote is not None and not stale:
            price = quote.ask if intent.buy else quote.bid
        return Context(limits, book, self.prices, quote, now, price, stale)


def staleness(symbol: str, quote: Quote | None, max_age: Applied | None, now: datetime) -> str:
    """Why ``quote`` cannot serve as the reference price, in words; "" when it can."""
    if quote is None:
        return f"No reference price has arrived for {symbol}."
    age = quote.age(now).total_seconds()
    if max_age is not None and age > max_age.value:
        return f"The reference price for {symbol} is {age:.0f} s old; the limit {max_age.where()} is {max_age.text} s."
    return ""
