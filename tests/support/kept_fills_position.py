"""The position that keeps every fill it ever saw: the test oracle the bounded ``Position`` must equal exactly."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal

from app.engine.ids import AccountId
from app.engine.positions import ZERO, FillKey


@dataclass(slots=True)
class KeptFillsPosition:
    """The position as it was before it held only recent fills: every fill kept, a bust re-trading them all."""

    account: AccountId
    symbol: str
    net_qty: Decimal = ZERO
    avg_cost: Decimal = ZERO
    realized_pnl: Decimal = ZERO
    bought_qty: Decimal = ZERO
    sold_qty: Decimal = ZERO
    fills: dict[FillKey, tuple[Decimal, Decimal]] = field(default_factory=dict)
    """Each fill still standing, as (signed quantity, price), in the order they arrived."""

    def unrealized_pnl(self, mark: Decimal | None) -> Decimal | None:
        """P&L of the open quantity at ``mark``; None when there is no mark to value it at."""
        if mark is None:
            return None if self.net_qty else ZERO
        return (mark - self.avg_cost) * self.net_qty

    def add(self, key: FillKey, signed_qty: Decimal, px: Decimal) -> None:
        """Take one new fill into the position."""
        self.fills[key] = (signed_qty, px)
        self._trade(signed_qty, px)

    def remove(self, key: FillKey) -> None:
        """A fill was busted: the position becomes what the other fills add up to."""
        if self.fills.pop(key, None) is not None:
            self._rebuild()

    def remove_fills(self, keys: Collection[FillKey]) -> None:
        """Take out the fills ``keys`` (a block's, allocated to other accounts)."""
        if keys:
            for key in keys:
                self.fills.pop(key, None)
            self._rebuild()

    def correct(self, key: FillKey, signed_qty: Decimal, px: Decimal) -> None:
        """A fill was corrected to a new quantity and price."""
        if key in self.fills:
            self.fills[key] = (signed_qty, px)
            self._rebuild()

    def _rebuild(self) -> None:
        self.net_qty = self.avg_cost = self.realized_pnl = self.bought_qty = self.sold_qty = ZERO
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
