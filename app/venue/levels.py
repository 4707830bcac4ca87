"""Price levels and book sides: the standard-library structures under the order book.

A side keeps its prices in a sorted list (``bisect``) with the best price last, and one `Level` per price.
A level is a FIFO queue of ``(seq, order)`` entries plus the total quantity of its live orders. Removing an
order is O(1): the order is marked as no longer resting and its entry is dropped when it reaches the
front (or when stale entries pile up). An entry whose ``seq`` no longer matches its order's is stale too:
the order lost its place in a replace.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import deque
from collections.abc import Iterator
from decimal import Decimal

from app.venue.orders import ZERO, RestingOrder

_COMPACT_AT = 64

PriceLevels = list[tuple[Decimal, Decimal]]
"""(price, total quantity) per level, best price first."""


def crosses(is_buy: bool, level_price: Decimal, limit: Decimal | None) -> bool:
    """Whether an order on this side with this limit (``None``: market) trades at ``level_price``."""
    if limit is None:
        return True
    return level_price <= limit if is_buy else level_price >= limit


class Level:
    """The orders resting at one price, in time priority."""

    __slots__ = ("_entries", "_stale", "price", "qty")

    def __init__(self, price: Decimal) -> None:
        self.price = price
        self.qty = ZERO
        """Total leaves quantity of the live orders here."""
        self._entries: deque[tuple[int, RestingOrder]] = deque()
        self._stale = 0

    def append(self, order: RestingOrder) -> None:
        """Put ``order`` at the back of the queue."""
        self._entries.append((order.seq, order))
        self.qty += order.leaves

    def front(self) -> RestingOrder:
        """The first live order; only called while ``qty`` is positive."""
        entries = self._entries
        while True:
            seq, order = entries[0]
            if order.resting and order.seq == seq:
                return order
            entries.popleft()
            self._stale -= 1

    def take(self, qty: Decimal, done: bool) -> None:
        """Account for ``qty`` traded by the front order; ``done`` when that order is now filled."""
        self.qty -= qty
        if done:
            self._entries.popleft()

    def discard(self, order: RestingOrder, leaves: Decimal) -> None:
        """Forget ``order`` (already marked as not resting) and its ``leaves``."""
        self.qty -= leaves
        self._stale += 1
        if self._stale > _COMPACT_AT and self._stale * 2 > len(self._entries):
            self._entries = deque((s, o) for s, o in self._entries if o.resting and o.seq == s)
            self._stale = 0

    def orders(self) -> Iterator[RestingOrder]:
        """The live orders, front first."""
        return (o for s, o in self._entries if o.resting and o.seq == s)


class BookSide:
    """One side of the book: levels by price, the best price last in the sorted key list."""

    __slots__ = ("_keys", "_levels", "is_buy")

    def __init__(self, is_buy: bool) -> None:
        self.is_buy = is_buy
        self._keys: list[Decimal] = []
        self._levels: dict[Decimal, Level] = {}

    def _key(self, price: Decimal) -> Decimal:
        return price if self.is_buy else -price

    def best(self) -> Level | None:
        """The level with the best price, if any."""
        keys = self._keys
        return self._levels[keys[-1]] if keys else None

    def add(self, order: RestingOrder, price: Decimal) -> None:
        """Rest ``order`` at the back of the level for ``price``."""
        key = self._key(price)
        level = self._levels.get(key)
        if level is None:
            level = self._levels[key] = Level(price)
            insort(self._keys, key)
        level.append(order)
        order.resting = True

    def remove(self, order: RestingOrder, price: Decimal) -> None:
        """Take a resting ``order`` out of the level for ``price``."""
        key = self._key(price)
        level = self._levels[key]
        order.resting = False
        level.discard(order, order.leaves)
        if level.qty <= 0:
            self.drop(level)

    def drop(self, level: Level) -> None:
        """Remove an emptied level."""
        key = self._key(level.price)
        del self._levels[key]
        keys = self._keys
        if keys[-1] == key:
            keys.pop()
        else:
            del keys[bisect_left(keys, key)]

    def levels(self) -> Iterator[Level]:
        """The levels, best price first."""
        levels = self._levels
        return (levels[k] for k in reversed(self._keys))

    def level_at(self, price: Decimal) -> Level | None:
        """The level for ``price``, if one exists."""
        return self._levels.get(self._key(price))

    def top(self, n: int) -> PriceLevels:
        """(price, quantity) of the best ``n`` levels."""
        levels = self._levels
        return [(levels[k].price, levels[k].qty) for k in reversed(self._keys[-n:])] if n > 0 else []
