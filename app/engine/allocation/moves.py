"""Released allocations move positions: the block's fills leave its account and each allocated account takes its
quantity at the block's average price (what was not allocated stays in the block's account, at that price)."""

from __future__ import annotations

from decimal import Decimal

from app.engine.enums import SIDE_SIGNS
from app.engine.events import AllocationProposed
from app.engine.ids import AccountId, ExecId
from app.engine.order import Order
from app.engine.positions import Positions


def move_block(positions: Positions, order: Order, allocation: AllocationProposed) -> dict[AccountId, Decimal]:
    """Move the block's position to the accounts of ``allocation``; what each account realised by it (P&L)."""
    symbol, sign, px = order.spec.symbol, SIDE_SIGNS[order.spec.side], allocation.avg_px
    legs = [(leg.account, leg.qty, f"ALLOC-{allocation.version}-{leg.account}") for leg in allocation.legs]
    rest = allocation.block_qty - sum((leg.qty for leg in allocation.legs), Decimal(0))
    if rest:
        legs.append((order.spec.account, rest, f"ALLOC-{allocation.version}-UNALLOCATED"))
    touched = {order.spec.account, *(account for account, _, _ in legs)}
    before = {account: positions.get(account, symbol).realized_pnl for account in touched}
    positions.get(order.spec.account, symbol).remove_order(order.order_id)
    for account, qty, exec_id in legs:
        positions.get(account, symbol).add((order.order_id, ExecId(exec_id)), sign * qty, px)
    return {account: positions.get(account, symbol).realized_pnl - before[account] for account in touched}
