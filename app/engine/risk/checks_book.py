"""Checks against the book: worst-case position, buying power, order and message rates, duplicate orders.

Working orders come from the exposure sums (app/engine/risk/exposure.py) and recent sends from the
activity view (app/engine/risk/activity.py), so no check walks the orders.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from app.engine.risk.intent import Context, Intent, Measured, Threshold, money, number
from app.engine.risk.verdict import Finding, Severity


def _worst_long(intent: Intent, ctx: Context) -> Measured:
    if not intent.buy:
        return None
    spec = intent.spec
    held = ctx.book.positions.get(spec.account, spec.symbol).net_qty
    working = ctx.book.exposure.working(spec.account, spec.symbol, True, intent.order_id)
    parts = f"position {number(held)} + working buys {number(working)} + this order {number(intent.open_qty)}"
    return held + working + intent.open_qty, parts


def _worst_short(intent: Intent, ctx: Context) -> Measured:
    if intent.buy:
        return None
    spec = intent.spec
    held = ctx.book.positions.get(spec.account, spec.symbol).net_qty
    working = ctx.book.exposure.working(spec.account, spec.symbol, False, intent.order_id)
    parts = f"position {number(held)} - working sells {number(working)} - this order {number(intent.open_qty)}"
    return working + intent.open_qty - held, parts


def _held_cost(account: str, ctx: Context) -> Decimal:
    """What the account's open positions cost: each position's size (long or short) at its average cost."""
    return sum(
        (abs(p.net_qty) * p.avg_cost for (held_by, _), p in ctx.book.positions.by_key.items() if held_by == account),
        Decimal(0),
    )


def _opening_qty(intent: Intent, ctx: Context) -> Decimal:
    """How much of this order opens or adds to a position, past what closes the opposite position.

    A buy first covers the short the position and the other working buys have not already covered; a sell
    first sells the long the other working sells have not already sold; the rest is a new long or a short sale.
    """
    spec = intent.spec
    held = ctx.book.positions.get(spec.account, spec.symbol).net_qty
    others = ctx.book.exposure.working(spec.account, spec.symbol, intent.buy, intent.order_id)
    against = -held if intent.buy else held
    closing = min(intent.open_qty, max(against - others, Decimal(0)))
    return intent.open_qty - closing


def _working_buys(intent: Intent, ctx: Context) -> tuple[Decimal, str]:
    """Notional of the account's working buys, this order's own stake left out; or why they cannot be valued."""
    exposure, account = ctx.book.exposure, intent.spec.account
    used = exposure.buy_notional.get(account, Decimal(0))
    mine = exposure.stake(intent.order_id)
    if mine is not None and mine.buy and mine.px is not None:
        used -= mine.qty * mine.px
    for symbol, qty in exposure.unpriced_buys.get(account, {}).items():
        if mine is not None and mine.buy and mine.px is None and mine.symbol == symbol:
            qty -= mine.qty
        if qty > 0:
            quote = ctx.prices.quote(symbol)
            px = None if quote is None else quote.ask or quote.last
            if px is None:
                return used, f"working market buys of {number(qty)} {symbol} have no quote to value them at."
            used += qty * px
    return used, ""


def _working_short_sales(intent: Intent, ctx: Context) -> tuple[Decimal, str]:
    """Value of the account's working sells past its long in each symbol (the short sales they would make), this
    order's own stake left out; or why they cannot be valued.

    Working sells first sell the long; the rest is valued at the working sells' average price, market sells
    at the quote's bid.
    """
    exposure, positions, account = ctx.book.exposure, ctx.book.positions.by_key, intent.spec.account
    mine = exposure.stake(intent.order_id)
    used = Decimal(0)
    for symbol, (value, unpriced) in exposure.sells.get(account, {}).items():
        qty = exposure.working(account, symbol, False, intent.order_id)
        held = positions.get((account, symbol))
        short = qty - max(held.net_qty if held is not None else Decimal(0), Decimal(0))
        if short <= 0:
            continue
        if mine is not None and not mine.buy and mine.symbol == symbol:
            if mine.px is None:
                unpriced -= mine.qty
            else:
                value -= mine.qty * mine.px
        if unpriced > 0:
            quote = ctx.prices.quote(symbol)
            px = None if quote is None else quote.bid or quote.last
            if px is None:
                return used, f"working market sells of {number(unpriced)} {symbol} have no quote to value them at."
            value += unpriced * px
        used += short * value / qty
    return used, ""


def _buying_power(intent: Intent, ctx: Context) -> Measured:
    """Open positions at cost, plus working buys and working short sales (this order's own stake left out), plus
    what this order opens."""
    opening = _opening_qty(intent, ctx)
    if opening <= 0:
        return None  # it only closes a position: no credit used
    if ctx.price is None:
        return f"a market order for {intent.spec.symbol} has no price until a fresh quote arrives. {ctx.stale}".strip()
    working, unvalued = _working_buys(intent, ctx)
    shorts, unvalued_sells = _working_short_sales(intent, ctx)
    if unvalued or unvalued_sells:
        return unvalued or unvalued_sells
    held = _held_cost(intent.spec.account, ctx)
    this = opening * ctx.price
    what = "this order" if intent.buy else "this short sale"
    if opening != intent.open_qty:
        what += f" ({number(opening)} of {number(intent.open_qty)})"
    selling = f" + working short sales {money(shorts)}" if shorts else ""
    return (
        held + working + shorts + this,
        f"positions at cost {money(held)} + working buys {money(working)}{selling} + {what} {money(this)}",
    )


MAX_LONG = Threshold("max_long", "Worst-case long position", _worst_long)
"""Position + working buys + this buy, against the largest long allowed."""
MAX_SHORT = Threshold("max_short", "Worst-case short position", _worst_short)
"""Working sells + this sell - position, against the largest short allowed."""
CREDIT = Threshold("credit", "Buying power used", _buying_power, money)
"""Per account: open positions (long or short) at average cost, working buys at their own price (market buys
at the quote's ask), working sells past the long (short sales) at their average price (market sells at the
bid), and what this order opens (a buy past covering a short, a short sale past selling the long), against
the account's credit. An order that only closes a position uses none."""


_INSTANT = timedelta(microseconds=1)
"""The finest step of the clock."""


class RateCheck:
    """How many new orders (or messages: orders, amends, cancels) a trader sent in the sliding rate window.

    The window stops at the trading day's roll (``trading_day_roll``): a new day starts with a clean count.
    Amends count as messages; a new order counts as both. Cancels count too but are never checked.
    """

    def __init__(self, rule: str, orders: bool) -> None:
        self.rule, self.orders = rule, orders

    def check(self, intent: Intent, ctx: Context) -> Finding | None:
        """Block when this one would be more than the limit within the window."""
        if self.orders and intent.order_id is not None:
            return None  # an amend is not a new order
        applied = ctx.limits.get(self.rule)
        window = ctx.limits.get("rate_window_s")
        if applied is None or window is None:
            return None
        trader = intent.spec.trader
        day_began = ctx.book.limits.day_began(ctx.now) - _INSTANT  # what was sent at the roll is the new day's
        since = max(ctx.now - timedelta(seconds=float(window.value)), day_began)
        sent = ctx.book.activity.count(trader, orders=self.orders, since=since, cap=applied.value)
        if sent < applied.value:
            return None
        what = "new orders" if self.orders else "messages"
        reason = (
            f"{trader} has sent {sent} {what} in the last {window.text} s; the limit is {applied.text} "
            f"{applied.where()}. Wait a moment and send again."
        )
        return Finding(Severity.BLOCK, self.rule, f"{applied.text} per {window.text} s", str(sent + 1), reason)


class DuplicateCheck:
    """A warning when an order on the same side, symbol, quantity and price went out within the window, this
    trading day (one sent before the roll is yesterday's order, not a duplicate)."""

    rule = "duplicate_window_s"

    def check(self, intent: Intent, ctx: Context) -> Finding | None:
        """Warn about a recent twin of a new order."""
        applied = ctx.limits.get(self.rule, Severity.WARN)
        if applied is None or intent.order_id is not None:
            return None
        last = ctx.book.activity.last_sent(intent.spec)
        if last is None or last < ctx.book.limits.day_began(ctx.now):
            return None  # none sent, or sent in an earlier trading day
        ago = (ctx.now - last).total_seconds()
        if ago >= float(applied.value):
            return None
        reason = (
            f"The same order ({intent.describe()}) was sent {ago:.0f} s ago; orders alike within {applied.text} s "
            f"{applied.where()} may be duplicates."
        )
        return Finding(Severity.WARN, self.rule, f"{applied.text} s", f"{ago:.0f} s", reason)
