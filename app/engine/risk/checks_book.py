"""Checks against the book: worst-case position, buying power, order and message rates, duplicate orders.

Working orders come from the exposure sums (app/engine/risk/exposure.py) and recent sends from the
activity view (app/engine/risk/activity.py), so no check walks the orders.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import NamedTuple

from app.engine.ids import AccountId
from app.engine.order import ZERO
from app.engine.positions import Position
from app.engine.risk.exposure import SideSum
from app.engine.risk.intent import LEVELS, Context, Intent, Measured, Threshold, money, number
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


class Worst(NamedTuple):
    """One symbol's credit in the two worst cases: every buy fills, or every sell fills."""

    long: Decimal
    """The long if every working buy fills and no sell does: the long held at its average cost, and what the
    buys add past covering a short at their own prices."""
    short: Decimal
    """The short if every working sell fills and no buy does: the short held at the mark, and what the sells
    add past selling the long at the higher of the mark and their average price (market sells at the mark)."""

    @property
    def used(self) -> Decimal:
        """The credit the symbol uses: the worse of the two."""
        return max(self.long, self.short)


def _worst(held: Position | None, buys: SideSum, sells: SideSum, symbol: str, ctx: Context) -> Worst | str:
    """The credit one symbol uses at worst, with these working orders; or why it cannot be valued."""
    net = held.net_qty if held is not None else ZERO
    long_held, short_held = max(net, ZERO), max(-net, ZERO)
    new_long = max(net + buys.qty, ZERO) - long_held
    new_short = max(sells.qty - net, ZERO) - short_held
    quote = ctx.prices.quote(symbol)
    long = long_held * held.avg_cost if held is not None else ZERO
    if new_long > 0:
        value = buys.value
        if buys.unpriced:
            ask = None if quote is None else quote.ask or quote.last
            if ask is None:
                return f"working market buys of {number(buys.unpriced)} {symbol} have no quote to value them at."
            value += buys.unpriced * ask
        long += value if new_long == buys.qty else new_long * value / buys.qty
    short = ZERO
    if short_held or new_short > 0:
        mark = None if quote is None else quote.mark
        if mark is None:
            return f"the short in {symbol} has no quote to value it at."
        short = short_held * mark
        if new_short > 0:
            short += new_short * max(mark, (sells.value + sells.unpriced * mark) / sells.qty)
    return Worst(long, short)


def _account_symbols(account: str, ctx: Context) -> set[str]:
    """Every symbol the account holds or has orders working in."""
    held = {symbol for (held_by, symbol), p in ctx.book.positions.by_key.items() if held_by == account and p.net_qty}
    return held | {symbol for symbol, _ in ctx.book.exposure.sums.get(AccountId(account), {})}


def _symbol_worst(intent: Intent, symbol: str, ctx: Context, with_order: bool = False) -> Worst | str:
    """The credit ``symbol`` uses at worst for the intent's account, the order being judged left out (its current
    stake too, for an amend) or, with ``with_order``, counted at its new terms."""
    account, exposure = intent.spec.account, ctx.book.exposure
    buys = exposure.side(account, symbol, True, intent.order_id)
    sells = exposure.side(account, symbol, False, intent.order_id)
    if with_order and intent.buy:
        buys = buys.plus(intent.open_qty, ctx.price)
    elif with_order:
        sells = sells.plus(intent.open_qty, ctx.price)
    return _worst(ctx.book.positions.by_key.get((account, symbol)), buys, sells, symbol, ctx)


def _adds_exposure(intent: Intent, ctx: Context) -> bool:
    """Whether the order adds to the long (for a buy) or the short (for a sell) its side could leave, past
    covering the short or selling the long the position and the other working orders have not."""
    spec = intent.spec
    net = ctx.book.positions.get(spec.account, spec.symbol).net_qty
    others = ctx.book.exposure.working(spec.account, spec.symbol, intent.buy, intent.order_id)
    reach = net + others if intent.buy else others - net
    return reach + intent.open_qty > max(reach, ZERO)


def _buying_power(intent: Intent, ctx: Context) -> Measured:
    """Every symbol of the account at its worst case, this order counted in its own symbol."""
    symbol = intent.spec.symbol
    if not _adds_exposure(intent, ctx):
        return None  # it only covers a short or sells a long: no credit used
    if ctx.price is None:
        return f"a market order for {symbol} has no price until a fresh quote arrives. {ctx.stale}".strip()
    before, after = _symbol_worst(intent, symbol, ctx), _symbol_worst(intent, symbol, ctx, with_order=True)
    if isinstance(after, str):
        return after
    if isinstance(before, str):
        return before
    if after.used <= before.used:
        return None  # the other side's worst case is worse still: this order uses no more credit
    others = ZERO
    for other in sorted(_account_symbols(intent.spec.account, ctx) - {symbol}):
        worst = _symbol_worst(intent, other, ctx)
        if isinstance(worst, str):
            return worst
        others += worst.used
    elsewhere = f"; other symbols {money(others)}" if others else ""
    parts = (
        f"{symbol} at worst {money(after.used)}, the larger of long {money(after.long)} if only its buys fill and "
        f"short {money(after.short)} if only its sells fill, this order included{elsewhere}"
    )
    return after.used + others, parts


MAX_LONG = Threshold("max_long", "Worst-case long position", _worst_long)
"""Position + working buys + this buy, against the largest long allowed."""
MAX_SHORT = Threshold("max_short", "Worst-case short position", _worst_short)
"""Working sells + this sell - position, against the largest short allowed."""
CREDIT = Threshold("credit", "Buying power used", _buying_power, money)
"""Per account, each symbol at its worst case: the larger of the long if every working buy fills and the short
if every working sell fills (see ``Worst``), summed over the account's symbols; market buys at the quote's ask.
A short needs a quote to be valued: without one the check fails closed. An order that adds nothing to its
symbol's worst case (it covers a short, sells a long, or the other side stays the worse) is not checked."""


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
        """Block (or warn, at the soft limit) when this one would be more than the limit within the window."""
        if self.orders and intent.order_id is not None:
            return None  # an amend is not a new order
        applied = [(level, a) for level in LEVELS if (a := ctx.limits.get(self.rule, level)) is not None]
        window = ctx.limits.get("rate_window_s")
        if not applied or window is None:
            return None
        trader = intent.spec.trader
        day_began = ctx.book.limits.day_began(ctx.now) - _INSTANT  # what was sent at the roll is the new day's
        since = max(ctx.now - timedelta(seconds=float(window.value)), day_began)
        cap = max(limit.value for _, limit in applied)
        sent = ctx.book.activity.count(trader, orders=self.orders, since=since, cap=cap)
        level, limit = next(((level, limit) for level, limit in applied if sent >= limit.value), (None, None))
        if level is None or limit is None:
            return None
        what = "new orders" if self.orders else "messages"
        soft, then = ("", "Wait a moment and send again.") if level is Severity.BLOCK else ("soft ", "")
        reason = (
            f"{trader} has sent {sent} {what} in the last {window.text} s; the {soft}limit is {limit.text} "
            f"{limit.where()}. {then}"
        ).strip()
        return Finding(level, self.rule, f"{limit.text} per {window.text} s", str(sent + 1), reason)


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
