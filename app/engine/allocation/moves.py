"""Released allocations move positions: the block's venue fills leave its account and each allocated account takes
its quantity at the version's price (what was not allocated stays in the block's account, at that price).

A supplement moves only the fills that arrived since the last release: earlier releases took the others out, and
the quantity they left unallocated (kept under an ``ALLOC-`` key) stays where it is. Which fills those are is read
from the order (its fills in the order they arrived, after the quantity released before), not from the block's
position: a position keeps only its day's fills, and a block may be allocated the day after it filled."""

from __future__ import annotations

from decimal import Decimal

from app.engine.enums import SIDE_SIGNS
from app.engine.events import AllocationProposed
from app.engine.ids import AccountId, ExecId
from app.engine.order import Fill, Order
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
    leaving = {
        (order.order_id, exec_id): (sign * fill.qty, fill.px)
        for exec_id, fill in late_fills(order, allocation.released_qty)
    }
    positions.get(order.spec.account, symbol).remove_fills(leaving)
    for account, qty, exec_id in legs:
        positions.get(account, symbol).add((order.order_id, ExecId(exec_id)), sign * qty, px)
    return {account: positions.get(account, symbol).realized_pnl - before[account] for account in touched}


def late_fills(order: Order, released_qty: Decimal) -> list[tuple[ExecId, Fill]]:
    """The order's standing fills after the first ``released_qty`` (what earlier releases settled), in the order
    they arrived: what a release settles (all of them for a first release)."""
    seen, late = Decimal(0), []
    for exec_id, fill in order.fills.items():
        if fill.busted:
            continue
        if seen >= released_qty:
            late.append((exec_id, fill))
        seen += fill.qty
    return late
