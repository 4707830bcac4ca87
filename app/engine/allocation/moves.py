"""Released allocations move positions: the block's venue fills leave its account and each allocated account takes
its quantity at the version's price (what was not allocated stays in the block's account, at that price).

A supplement moves only the fills that arrived since the last release: earlier releases took the others out, and
the quantity they left unallocated (kept under an ``ALLOC-`` key) stays where it is.

A corrective version (a bust or correction of released fills) is not a trade: it folds each account's part of the
difference into what that account holds of the block, so the account's quantity and cost of the block change and
nothing is realised (a fund given 100 at 10.50 that gives back 50 at 10 holds 50 at 11). One that reprices (a
correction in price only) changes each account's cost of the block by its quantity times the price difference."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from app.engine.allocation.split import stated_px
from app.engine.enums import SIDE_SIGNS
from app.engine.events import AllocationProposed
from app.engine.ids import AccountId, ExecId, OrderId
from app.engine.order import Order
from app.engine.positions import Position, Positions

_MOVED = "ALLOC-"
"""How the ExecIDs of allocated (or left unallocated) quantity begin, set apart from the venue's fills."""


def move_block(positions: Positions, order: Order, allocation: AllocationProposed) -> dict[AccountId, Decimal]:
    """Move the block's position to the accounts of ``allocation``; what each account realised by it (P&L)."""
    symbol, sign, px = order.spec.symbol, SIDE_SIGNS[order.spec.side], allocation.px
    legs = [(leg.account, leg.qty, f"{_MOVED}{allocation.version}-{leg.account}") for leg in allocation.legs]
    rest = allocation.qty - sum((leg.qty for leg in allocation.legs), Decimal(0))
    if rest and not allocation.reprices:
        legs.append((order.spec.account, rest, f"{_MOVED}{allocation.version}-UNALLOCATED"))
    touched = {order.spec.account, *(account for account, _, _ in legs)}
    before = {account: positions.get(account, symbol).realized_pnl for account in touched}
    if allocation.is_corrective:
        moved = Decimal(0) if allocation.reprices else Decimal(1)  # a repricing changes the cost, not the quantity
        for account, qty, exec_id in legs:
            cost = Fraction(sign * qty) * Fraction(px)
            _fold(positions.get(account, symbol), order.order_id, sign * qty * moved, cost, ExecId(exec_id))
    else:
        block = positions.get(order.spec.account, symbol)
        block.recall()
        block.remove_fills([key for key in block.fills if key[0] == order.order_id and not key[1].startswith(_MOVED)])
        for account, qty, exec_id in legs:
            positions.get(account, symbol).add((order.order_id, ExecId(exec_id)), sign * qty, px)
    return {account: positions.get(account, symbol).realized_pnl - before[account] for account in touched}


def _fold(position: Position, order_id: OrderId, signed_qty: Decimal, signed_cost: Fraction, exec_id: ExecId) -> None:
    """Fold ``signed_qty`` costing ``signed_cost`` into what ``position`` holds of block ``order_id``: one allocated
    fill (where the first was) of the combined quantity at the combined cost's average."""
    position.recall()
    keys = [key for key in position.fills if key[0] == order_id and key[1].startswith(_MOVED)]
    if not keys:
        if signed_qty:
            position.add((order_id, exec_id), signed_qty, stated_px(signed_cost / Fraction(signed_qty)))
        return
    held = [position.fills[key] for key in keys]
    qty = sum((q for q, _ in held), signed_qty)
    cost = sum((Fraction(q) * Fraction(p) for q, p in held), signed_cost)
    if qty:
        position.correct(keys[0], qty, stated_px(cost / Fraction(qty)))
        keys = keys[1:]
    position.remove_fills(keys)
