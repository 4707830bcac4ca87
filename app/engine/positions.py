"""Positions and P&L per account and symbol, from fills: net quantity, average cost, realised P&L.

Average-cost accounting: buying into a long (or selling into a short) moves the average cost; trading
against the position realises P&L at the difference from the average. Unrealised P&L is valued against a
mark price the caller supplies. A bust or correction of an earlier fill re-derives the position from its
remaining fills, so a position always equals what its unique, unbusted fills add up to.

A position holds only its recent fills: once the log holds them, the engine lets go of the older ones
(``Position.let_go``), keeping the totals they add up to (the position's opening). A bust or correction of a fill
it no longer holds first recalls every fill from a ``FillHistory`` (read from the log), so each figure stays
exactly what re-trading every fill in order gives.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice
from typing import Protocol

from app.engine.ids import AccountId, ExecId, OrderId

ZERO = Decimal(0)

FillKey = tuple[OrderId, ExecId]
"""A fill is named by its order and ExecID: ExecIDs are unique per venue, not across venues."""

Totals = tuple[Decimal, Decimal, Decimal, Decimal, Decimal]
"""A position's figures: net quantity, average cost, realised P&L, bought and sold quantity."""

FLAT: Totals = (ZERO, ZERO, ZERO, ZERO, ZERO)

KEEP = 1_000
"""Fills a position still holds after letting go of older ones: a bust or correction of any of them is redone in
memory; only one of an older fill reads the log back (about 130 µs per execution of the symbol, so seconds for a
position of tens of thousands of fills, and the desk waits for it). Memory stays under ``CROWDED`` fills each."""
CROWDED = 2 * KEEP
"""Fills past which a position lets go of older ones (so letting go is rare: once per ``CROWDED - KEEP`` fills)."""


class FillHistory(Protocol):
    """Where the fills a position let go of can be read back from."""

    def fills(self, account: AccountId, symbol: str) -> Mapping[FillKey, tuple[Decimal, Decimal]]:
        """Every fill of the position standing at its last ``let_go`` or later, in the order they arrived."""
        ...


@dataclass(slots=True)
class Position:
    """One account's position in one symbol."""

    account: AccountId
    symbol: str
    net_qty: Decimal = ZERO
    avg_cost: Decimal = ZERO
    realized_pnl: Decimal = ZERO
    bought_qty: Decimal = ZERO
    sold_qty: Decimal = ZERO
    fills: dict[FillKey, tuple[Decimal, Decimal]] = field(default_factory=dict)
    """The recent fills still standing, as (signed quantity, price), in the order they arrived."""
    earlier: int = 0
    """How many fills, all older than ``fills``, the position let go of."""
    opening: Totals = FLAT
    """What the fills it let go of add up to: the figures ``fills`` are traded from."""
    revision: int = field(default=0, compare=False)
    """Counts the changes to ``fills`` other than a new fill at the end (a snapshot rewrites them all then)."""
    history: FillHistory | None = field(default=None, compare=False, repr=False)
    """Where the fills it let go of are read back from when one of them is busted or corrected."""

    def unrealized_pnl(self, mark: Decimal | None) -> Decimal | None:
        """P&L of the open quantity at ``mark``; None when there is no mark to value it at."""
        if mark is None:
            return None if self.net_qty else ZERO
        return (mark - self.avg_cost) * self.net_qty

    def add(self, key: FillKey, signed_qty: Decimal, px: Decimal) -> None:
        """Take one new fill into the position."""
        fills = self.fills
        count = len(fills)
        fills[key] = (signed_qty, px)
        if len(fills) == count:  # a key seen before: its fill changed in place
            self.revision += 1
        self._trade(signed_qty, px)

    @property
    def traded(self) -> bool:
        """Whether any fill stands in the position (held or let go of)."""
        return bool(self.fills) or self.earlier > 0

    def let_go(self, keep: int) -> None:
        """Let go of all but the latest ``keep`` fills, the history holding them: the figures stay as they are."""
        fills = self.fills
        count = len(fills) - keep
        if count <= 0:
            return
        figures = self.totals()
        self._set(self.opening)
        for key in list(islice(fills, count)):
            self._trade(*fills.pop(key))
        self.opening = self.totals()
        self._set(figures)
        self.earlier += count
        self.revision += 1

    def totals(self) -> Totals:
        """The position's figures (net quantity, average cost, realised P&L, bought, sold)."""
        return self.net_qty, self.avg_cost, self.realized_pnl, self.bought_qty, self.sold_qty

    def remove(self, key: FillKey) -> None:
        """A fill was busted: the position becomes what the other fills add up to."""
        if key not in self.fills and self.earlier:
            self._recall()
        if self.fills.pop(key, None) is not None:
            self.revision += 1
            self._rebuild()

    def remove_fills(self, keys: Collection[FillKey]) -> None:
        """Take out the fills ``keys`` (a block's, allocated to other accounts)."""
        if keys:
            if self.earlier and any(key not in self.fills for key in keys):
                self._recall()
            for key in keys:
                self.fills.pop(key, None)
            self.revision += 1
            self._rebuild()

    def correct(self, key: FillKey, signed_qty: Decimal, px: Decimal) -> None:
        """A fill was corrected to a new quantity and price."""
        if key not in self.fills and self.earlier:
            self._recall()
        if key in self.fills:
            self.fills[key] = (signed_qty, px)
            self.revision += 1
            self._rebuild()

    def recall(self) -> None:
        """Hold every fill again, reading the ones it let go of back from its history (before looking through them)."""
        if self.earlier:
            self._recall()

    def _recall(self) -> None:
        if self.history is None:
            raise LookupError(
                f"the {self.symbol} position of account {self.account} let go of {self.earlier} earlier fills and has "
                "no history to read them back from: its figures cannot be re-derived after this bust or correction"
            )
        recalled = list(islice(self.history.fills(self.account, self.symbol).items(), self.earlier))
        if len(recalled) < self.earlier:
            raise LookupError(
                f"the log holds {len(recalled)} fills of account {self.account}'s {self.symbol} position where it let "
                f"go of {self.earlier}: its figures cannot be re-derived after this bust or correction"
            )
        self.fills = dict(chain(recalled, self.fills.items()))
        self.earlier, self.opening = 0, FLAT
        self.revision += 1

    def _set(self, totals: Totals) -> None:
        self.net_qty, self.avg_cost, self.realized_pnl, self.bought_qty, self.sold_qty = totals

    def _rebuild(self) -> None:
        self._set(self.opening)
        for signed_qty, px in self.fills.values():
            self._trade(signed_qty, px)

    def _trade(self, q: Decimal, px: Decimal) -> None:
        if q == ZERO:  # a fill corrected to nothing trades nothing (and must not divide 0 by 0)
            return
        buying = q > ZERO  # every comparison here is Decimal to Decimal: against an int each costs a conversion
        if buying:
            self.bought_qty += q
        else:
            self.sold_qty -= q
        net = self.net_qty
        size, held = abs(q), abs(net)  # each once: Decimal's abs rounds to the context, so it is no free copy
        long = net > ZERO
        if net == ZERO or long == buying:
            self.avg_cost = (self.avg_cost * held + px * size) / (held + size)
            self.net_qty = net + q
            return
        closing = held if held < size else size  # min(), without its call (a tie keeps the first, as min does)
        # A short's P&L as the long's negated: rounding is symmetric, so this is the exact value the product by -1
        # gave (the realised total never being -0, adding a -0 or a 0 to it leaves the same Decimal).
        self.realized_pnl += closing * (px - self.avg_cost) if long else closing * (self.avg_cost - px)
        self.net_qty = net + q
        if self.net_qty == ZERO:
            self.avg_cost = ZERO
        elif (self.net_qty > ZERO) != long:
            self.avg_cost = px


class Positions:
    """Every position, keyed by (account, symbol), and the mark prices used for unrealised P&L."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[AccountId, str], Position] = {}
        self.marks: dict[str, Decimal] = {}
        self.history: FillHistory | None = None
        """Where positions read back the fills they let go of; until there is one, they hold every fill."""
        self.crowded: set[tuple[AccountId, str]] = set()
        """Positions holding more than ``CROWDED`` fills, to let go of older ones once the log holds them."""

    def get(self, account: AccountId, symbol: str) -> Position:
        """The position, created flat if there was none."""
        key = (account, symbol)
        position = self.by_key.get(key)
        if position is None:
            position = self.by_key[key] = Position(account, symbol, history=self.history)
        return position

    def note(self, position: Position) -> None:
        """``position`` changed: when it holds too many fills, it lets go of older ones at the next ``let_go``."""
        if len(position.fills) > CROWDED:
            self.crowded.add((position.account, position.symbol))

    def read_back_from(self, history: FillHistory) -> None:
        """From now on positions may let go of fills, reading them back from ``history`` when they need them."""
        self.history = history
        for position in self.by_key.values():
            position.history = history
            self.note(position)

    def let_go(self) -> None:
        """Crowded positions let go of all but their latest ``KEEP`` fills: call it only when the log holds every
        fill applied, and only once there is a history to read them back from."""
        if self.history is not None:
            for key in self.crowded:
                self.by_key[key].let_go(KEEP)
        self.crowded.clear()

    def set_mark(self, symbol: str, px: Decimal) -> None:
        """The latest price to value ``symbol`` at."""
        self.marks[symbol] = px

    def unrealized_pnl(self, position: Position) -> Decimal | None:
        """The position's unrealised P&L at its symbol's mark."""
        return position.unrealized_pnl(self.marks.get(position.symbol))

    def total_realized(self) -> Decimal:
        """Realised P&L across every position."""
        return sum((p.realized_pnl for p in self.by_key.values()), ZERO)

    def total_unrealized(self) -> Decimal:
        """Unrealised P&L across every position that has a mark (one without a price adds nothing)."""
        marks = self.marks
        return sum((p.unrealized_pnl(marks[p.symbol]) or ZERO for p in self.by_key.values() if p.symbol in marks), ZERO)
