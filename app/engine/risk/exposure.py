"""Working orders summed for the gate: open quantity and value per account, symbol and side.

Derived from the ledger, never stored: each order's stake (what could still execute) is replaced
whenever the order changes, so a check reads a sum instead of walking every working order. A stake is
the order's leaves quantity; while an amend to more quantity or a higher buy price is pending, the
larger terms count (the venue may accept them). Each side of a symbol keeps its open quantity, the value
of the orders with a price of their own (limit or stop), and the quantity of those without (market
orders, valued at the reference price when a check needs it).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from app.engine.enums import LIVE_STATUSES, Side
from app.engine.fast_init import new_tuple
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


class SideSum(NamedTuple):
    """An account's working orders on one side of one symbol."""

    qty: Decimal
    """Their open quantity."""
    value: Decimal
    """Quantity x price of those with a price of their own."""
    unpriced: Decimal
    """Quantity of those without (market orders)."""

    def plus(self, qty: Decimal, px: Decimal | None) -> SideSum:
        """These orders and ``qty`` more at ``px`` (None: at market); a negative ``qty`` takes away."""
        total, value, unpriced = self
        if px is None:
            return new_tuple(SideSum, (total + qty, value, unpriced + qty))  # once per fill: no Python __new__
        return new_tuple(SideSum, (total + qty, value + qty * px, unpriced))


NONE_WORKING = SideSum(ZERO, ZERO, ZERO)
"""A side with no working orders."""


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
    stake: Stake = new_tuple(Stake, (spec.account, spec.symbol, spec.side is _BUY, qty, px))  # once per report
    return stake


_BUY = Side.BUY


class WorkingExposure:
    """Sums of every working order's stake."""

    def __init__(self) -> None:
        self.stakes: dict[OrderId, Stake] = {}
        self.sums: defaultdict[AccountId, dict[tuple[str, bool], SideSum]] = defaultdict(dict)
        """Per account, per (symbol, is a buy) with orders working: their sums."""

    def order_changed(self, order: Order) -> None:
        """Replace the order's stake with what it is now (a fill: one change of the same side's sums)."""
        order_id, stakes = order.order_id, self.stakes
        old, new = stakes.get(order_id), stake_of(order)
        if new is None:
            if old is not None:
                del stakes[order_id]
                self._add(old, -old.qty)
            return
        stakes[order_id] = new
        if old is None:
            self._add(new, new.qty)
        elif old.px == new.px and old.symbol == new.symbol and old.buy is new.buy and old.account == new.account:
            if old.qty != new.qty:  # an ack or a status change leaves it as it was
                self._add(new, new.qty - old.qty)
        else:
            self._add(old, -old.qty)
            self._add(new, new.qty)

    def rebuild(self, ledger: OrderLedger) -> None:
        """Sum every live order of ``ledger`` afresh (after loading a snapshot)."""
        self.stakes.clear()
        self.sums.clear()
        for order in ledger.live():
            self.order_changed(order)

    def _add(self, stake: Stake, qty: Decimal) -> None:
        """Add ``qty`` (negative to take away) on ``stake``'s side, at its price."""
        sums = self.sums[stake.account]
        key = (stake.symbol, stake.buy)
        added = sums.get(key, NONE_WORKING).plus(qty, stake.px)
        if added.qty:
            sums[key] = added
        else:
            del sums[key]

    def side(self, account: AccountId, symbol: str, buy: bool, excluding: OrderId | None = None) -> SideSum:
        """The working orders on one side, less the stake of ``excluding`` (an order being amended)."""
        total = self.sums.get(account, {}).get((symbol, buy), NONE_WORKING)
        mine = self.stakes.get(excluding) if excluding is not None else None
        if mine is not None and mine.symbol == symbol and mine.buy == buy and mine.account == account:
            total = total.plus(-mine.qty, mine.px)
        return total

    def working(self, account: AccountId, symbol: str, buy: bool, excluding: OrderId | None = None) -> Decimal:
        """Open quantity of working orders on one side, less the stake of ``excluding`` (an order being amended)."""
        return self.side(account, symbol, buy, excluding).qty
