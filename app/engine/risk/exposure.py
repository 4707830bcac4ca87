"""Working orders summed for the gate: open quantity per account, symbol and side, and buying power used.

Derived from the ledger, never stored: each order's stake (what could still execute) is replaced
whenever the order changes, so a check reads a sum instead of walking every working order. A stake is
the order's leaves quantity; while an amend to more quantity or a higher buy price is pending, the
larger terms count (the venue may accept them). Working buys use buying power at their limit (or stop)
price; a working market buy has no price of its own, so its quantity is kept per symbol and valued at
the reference price when a check needs it. Working sells are summed per account and symbol (their value
at their own prices, and the quantity of those with none), for the part of them that would sell short.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from app.engine.enums import LIVE_STATUSES, Side
from app.engine.ids import AccountId, OrderId
from app.engine.ledger import OrderLedger
from app.engine.order import ZERO, Order

SideKey = tuple[AccountId, str, bool]
"""(account, symbol, is a buy)."""


class Stake(NamedTuple):
    """What one working order could still do."""

    account: AccountId
    symbol: str
    buy: bool
    qty: Decimal
    px: Decimal | None


class SellSum(NamedTuple):
    """An account's working sells in one symbol."""

    value: Decimal
    """Quantity x price of those with a price of their own."""
    unpriced: Decimal
    """Quantity of those without (market sells)."""


_NO_SELLS = SellSum(ZERO, ZERO)


def stake_of(order: Order) -> Stake | None:
    """The order's stake, or None when it can no longer execute."""
    if order.status not in LIVE_STATUSES:
        return None
    qty, px = order.leaves_qty, order.limit_px or order.stop_px
    pending = order.pending
    if pending is not None and pending.amendment is not None:
        new = pending.amendment
        qty = max(qty, new.qty - order.cum_qty)
        new_px = new.limit_px or new.stop_px
        if px is not None and new_px is not None and order.spec.side is _BUY:
            px = max(px, new_px)
    if qty <= ZERO:
        return None
    spec = order.spec
    stake: Stake = _new_tuple(Stake, (spec.account, spec.symbol, spec.side is _BUY, qty, px))  # once per report
    return stake


_BUY = Side.BUY
_new_tuple = tuple.__new__


def _by_symbol() -> defaultdict[str, Decimal]:
    return defaultdict(Decimal)


class WorkingExposure:
    """Sums of every working order's stake."""

    def __init__(self) -> None:
        self.stakes: dict[OrderId, Stake] = {}
        self.qty: defaultdict[SideKey, Decimal] = defaultdict(Decimal)
        self.buy_notional: defaultdict[AccountId, Decimal] = defaultdict(Decimal)
        self.unpriced_buys: defaultdict[AccountId, defaultdict[str, Decimal]] = defaultdict(
            lambda: defaultdict(Decimal)
        )
        self.sells: defaultdict[AccountId, dict[str, SellSum]] = defaultdict(dict)
        """Per account and symbol with sells working: their value at their own prices, and the quantity with none."""

    def order_changed(self, order: Order) -> None:
        """Replace the order's stake with what it is now."""
        old = self.stakes.pop(order.order_id, None)
        new = stake_of(order)
        if new is not None:
            self.stakes[order.order_id] = new
        if old == new:  # an ack, a status change: the sums stand
            return
        if old is not None and new is not None and old[:3] == new[:3] and old.px == new.px:
            self._add(new, new.qty - old.qty)  # a fill: one change of the same sums
            return
        if old is not None:
            self._add(old, -old.qty)
        if new is not None:
            self._add(new, new.qty)

    def rebuild(self, ledger: OrderLedger) -> None:
        """Sum every live order of ``ledger`` afresh (after loading a snapshot)."""
        for sums in (self.stakes, self.qty, self.buy_notional, self.unpriced_buys, self.sells):
            sums.clear()
        for order in ledger.live():
            self.order_changed(order)

    def _add(self, stake: Stake, qty: Decimal) -> None:
        """Add ``qty`` (negative to take away) on ``stake``'s side, at its price."""
        self.qty[(stake.account, stake.symbol, stake.buy)] += qty
        if not stake.buy:
            self._add_sell(stake, qty)
        elif stake.px is None:
            self.unpriced_buys[stake.account][stake.symbol] += qty
        else:
            self.buy_notional[stake.account] += qty * stake.px

    def _add_sell(self, stake: Stake, qty: Decimal) -> None:
        by_symbol = self.sells[stake.account]
        value, unpriced = by_symbol.get(stake.symbol, _NO_SELLS)
        if stake.px is None:
            unpriced += qty
        else:
            value += qty * stake.px
        if value or unpriced:
            by_symbol[stake.symbol] = SellSum(value, unpriced)
        else:
            del by_symbol[stake.symbol]

    def working(self, account: AccountId, symbol: str, buy: bool, excluding: OrderId | None = None) -> Decimal:
        """Open quantity of working orders on one side, less the stake of ``excluding`` (an order being amended)."""
        total = self.qty.get((account, symbol, buy), ZERO)
        mine = self.stakes.get(excluding) if excluding is not None else None
        if mine is not None and mine.symbol == symbol and mine.buy == buy and mine.account == account:
            total -= mine.qty
        return total

    def stake(self, order_id: OrderId | None) -> Stake | None:
        """The stake of one order, if it has one."""
        return None if order_id is None else self.stakes.get(order_id)
