"""Checks on the order's own terms: restricted list, market hours, tick and lot size, price band, size.

Each limit is looked up for the order's account, trader, symbol and venue (most specific scope wins; see
app/engine/risk/limit_keys.py); a check whose limit is not set finds nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from app.engine.fix.schedule import SessionSchedule
from app.engine.risk.intent import LEVELS, Context, Intent, Measured, Threshold, money, number
from app.engine.risk.verdict import Finding, Severity


class RestrictedCheck:
    """A symbol on the restricted list (the limit's value is the reason) blocks, or warns when set at warn."""

    rule = "restricted"

    def check(self, intent: Intent, ctx: Context) -> Finding | None:
        """The restriction that applies, hardest first."""
        for level in LEVELS:
            applied = ctx.limits.get(self.rule, level)
            if applied is not None:
                symbol = intent.spec.symbol
                reason = f"{symbol} is restricted {applied.where()}: {applied.text}"
                return Finding(level, self.rule, applied.text, symbol, reason if reason[-1] in ".!?" else reason + ".")
        return None


class MarketHoursCheck:
    """Orders are blocked outside the trading hours set for the symbol or venue.

    Whether a schedule is open is worked out once per opening or closing, not once per order: each answer
    is kept until the moment it changes.
    """

    rule = "market_hours"

    def __init__(self) -> None:
        self._known: dict[SessionSchedule, tuple[datetime, datetime, bool]] = {}

    def check(self, intent: Intent, ctx: Context) -> Finding | None:
        """Closed now: when it opens next."""
        applied = ctx.limits.get(self.rule)
        if applied is None or self._is_open(applied.value, ctx.now):
            return None
        opens = applied.value.next_open(ctx.now)
        reason = (
            f"The market for {intent.spec.symbol} is closed: its hours {applied.where()} are {applied.text}; "
            f"it next opens {opens:%Y-%m-%d %H:%M} UTC."
        )
        return Finding(Severity.BLOCK, self.rule, applied.text, f"{ctx.now:%Y-%m-%d %H:%M:%S} UTC", reason)

    def _is_open(self, schedule: SessionSchedule, now: datetime) -> bool:
        known = self._known.get(schedule)
        if known is not None and known[0] <= now < known[1]:
            return known[2]
        is_open = schedule.is_open(now)
        until = (schedule.closes_at(now) if is_open else schedule.next_open(now)) or _NEVER
        self._known[schedule] = (now, until, is_open)
        return is_open


_NEVER = datetime.max.replace(tzinfo=UTC)


class TickSizeCheck:
    """Every price must be a whole number of ticks."""

    rule = "tick_size"

    def check(self, intent: Intent, ctx: Context) -> Finding | None:
        """The first price off the tick."""
        applied = ctx.limits.get(self.rule)
        if applied is None:
            return None
        for word, px in (("Limit", intent.limit_px), ("Stop", intent.stop_px)):
            if px is not None and px % applied.value != 0:
                reason = f"{word} price {px} is not a multiple of the tick size {applied.text} {applied.where()}."
                return Finding(Severity.BLOCK, self.rule, applied.text, str(px), reason)
        return None


class LotSizeCheck:
    """The quantity must be a whole number of lots."""

    rule = "lot_size"

    def check(self, intent: Intent, ctx: Context) -> Finding | None:
        """A quantity that is not a whole number of lots."""
        applied = ctx.limits.get(self.rule)
        if applied is None or intent.qty % applied.value == 0:
            return None
        reason = f"Quantity {number(intent.qty)} is not a multiple of the lot size {applied.text} {applied.where()}."
        return Finding(Severity.BLOCK, self.rule, applied.text, number(intent.qty), reason)


class PriceBandCheck:
    """The order's price must lie within a percentage of the reference price; FAILS CLOSED.

    The reference is the quote's mark (mid, or last trade); a priced order is checked at its limit (or
    stop) price, a market order at the far side (the ask for a buy, the bid for a sell). With the band
    set, a missing quote, a quote older than ``max_quote_age_s`` or a missing side blocks the order.
    """

    rule = "price_band_pct"

    def check(self, intent: Intent, ctx: Context) -> Finding | None:
        """Block when the reference cannot be trusted; else the hardest band the price is outside."""
        bands = [(level, a) for level in LEVELS if (a := ctx.limits.get(self.rule, level)) is not None]
        if not bands:
            return None
        band = bands[0][1]
        quote = ctx.quote
        if ctx.stale or quote is None:
            return Finding(Severity.BLOCK, self.rule, band.text, "no fresh reference", ctx.stale)
        reference, px = quote.mark, ctx.price
        if reference is None or px is None:
            side = "ask" if intent.buy else "bid"
            missing = f"no {side}" if px is None else "no bid, ask or last trade"
            reason = f"The price band cannot be checked: the quote for {intent.spec.symbol} has {missing}."
            return Finding(Severity.BLOCK, self.rule, band.text, missing, reason)
        off = abs(px - reference) / reference * 100
        for level, band in bands:
            if off > band.value:
                soft = "" if level is Severity.BLOCK else "soft "
                reason = (
                    f"Price {px} is {off:.2f}% from the reference {reference} for {intent.spec.symbol}, outside the "
                    f"{soft}band of {band.text}% {band.where()}."
                )
                return Finding(level, self.rule, f"{band.text}%", f"{off:.2f}%", reason)
        return None


def _order_qty(intent: Intent, ctx: Context) -> Measured:
    return intent.qty, ""


def _order_notional(intent: Intent, ctx: Context) -> Measured:
    if ctx.price is None:
        return f"a market order for {intent.spec.symbol} has no price until a fresh quote arrives. {ctx.stale}".strip()
    return intent.qty * ctx.price, f"{number(intent.qty)} at {ctx.price}"


MAX_ORDER_QTY = Threshold("max_order_qty", "Order quantity", _order_qty)
"""An order's quantity against the largest allowed."""
MAX_ORDER_NOTIONAL = Threshold("max_order_notional", "Order notional", _order_notional, money)
"""An order's notional (quantity x price) against the largest allowed; a market order is valued at the fresh
quote's far side and blocked when there is none."""
