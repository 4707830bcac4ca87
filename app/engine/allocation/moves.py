"""Released allocations move positions: the block's venue fills leave its account and each allocated account takes
its quantity at the version's price (what was not allocated stays in the block's account, at that price).

A supplement moves only the fills that arrived since the last release: earlier releases took the others out, and
the quantity they left unallocated (kept under an ``ALLOC-`` key) stays where it is."""

from __future__ import annotations

from decimal import Decimal

from app.engine.enums import SIDE_SIGNS
from app.engine.events import AllocationProposed
from app.engine.ids import AccountId, ExecId
from app.engine.order import Order
from app.engine.positions import Positions

_MOVED = "ALLOC-"
"""How the ExecIDs of allocated (or left unallocated) quantity begin, set apart from the venue's fills."""


def move_block(positions: Positions, order: Order, allocation: AllocationProposed) -> dict[AccountId, Decimal]:
    """Move the block's position to the accounts of ``allocation``; what each account realised by it (P&L)."""
    symbol, sign, px = order.spec.symbol, SIDE_SIGNS[order.spec.side], allocation.px
    legs = [(leg.account, leg.qty, f"{_MOVED}{allocation.version}-{leg.account}") for leg in allocation.legs]
    rest = allocation.qty - sum((leg.qty for leg in allocation.legs), Decimal(0))
    if rest:
        legs.append((order.spec.account, rest, f"{_MOVED}{allocation.version}-UNALLOCATED"))
    touched = {order.spec.account, *(account for account, _, _ in legs)}
    before = {account: positions.get(account, symbol).realized_pnl for account in touched}
    block = positions.get(order.spec.account, symbol)
    block.remove_fills([key for key in block.fills if key[0] == order.order_id and not key[1].startswith(_MOVED)])
    for account, qty, exec_id in legs:
        positions.get(account, symbol).add((order.order_id, ExecId(exec_id)), sign * qty, px)
    return {account: positions.get(account, symbol).realized_pnl - before[account] for account in touched}
