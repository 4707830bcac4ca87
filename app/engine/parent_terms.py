"""A parent (care) order's terms: what a trader stages on the desk to work by slicing it into child orders.

A parent is never sent to a venue; its children are ordinary orders that name it in ``OrderSpec.parent_id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.engine.enums import Side
from app.engine.ids import AccountId, UserId
from app.engine.order import FieldError


@dataclass(frozen=True, slots=True)
class ParentSpec:
    """What the trader (or a PM, for a block) staged: the whole quantity to work, in whose name and for which
    account; ``allocation_template`` makes each child a block allocated by that template."""

    symbol: str
    side: Side
    qty: Decimal
    account: AccountId
    trader: UserId
    limit_px: Decimal | None = None
    allocation_template: str = ""
    text: str = ""

    def problems(self) -> list[FieldError]:
        """Every field that is wrong, in words for the ticket."""
        found: list[FieldError] = []
        if not self.symbol.strip():
            found.append(FieldError("symbol", "Enter a symbol."))
        if not self.qty.is_finite() or self.qty <= 0:
            found.append(FieldError("qty", "Quantity must be a positive number."))
        if not self.account.strip():
            found.append(FieldError("account", "Choose an account."))
        if self.limit_px is not None and (not self.limit_px.is_finite() or self.limit_px <= 0):
            found.append(FieldError("limit_px", "The limit price must be a positive number."))
        return found
